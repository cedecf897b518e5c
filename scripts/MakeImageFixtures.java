import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;

/** Cuts the image fixtures in testdata/ out of unpacked Debian packages: java MakeImageFixtures.java SRC OUT */
public class MakeImageFixtures {
    public static void main(String[] args) throws Exception {
        File src = new File(args[0]);
        File out = new File(args[1], "stereo");
        out.mkdirs();
        File sk = new File(src, "usr/lib/python3/dist-packages/skimage/data");
        for (String side : new String[] {"left", "right"}) {
            BufferedImage img = ImageIO.read(new File(sk, "motorcycle_" + side + ".png"));
            int w = (img.getWidth() + 3) / 4;
            int h = (img.getHeight() + 3) / 4;
            BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = small.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(img, 0, 0, w, h, null);
            g.dispose();
            ImageIO.write(small, "png", new File(out, "motorcycle-" + side + "-quarter.png"));
            if (side.equals("left")) {
                try (OutputStream o = new FileOutputStream(new File(out, "motorcycle-left-quarter.pgm"))) {
                    o.write(("P5\n# motorcycle left, Middlebury 2014 via skimage, quarter size, BT.601 luma\n" + w + " "
                            + h + "\n255\n").getBytes(StandardCharsets.US_ASCII));
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            int p = small.getRGB(x, y);
                            double l = 0.299 * ((p >> 16) & 255) + 0.587 * ((p >> 8) & 255) + 0.114 * (p & 255);
                            o.write((int) Math.round(l));
                        }
                    }
                }
            }
        }
        System.out.println("image fixtures done");
    }
}
