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
        // textures of the layered training scenes of the stereo networks: 2x2 means, 256x256 grey
        for (String name : new String[] {"brick", "grass", "gravel"}) {
            BufferedImage img = ImageIO.read(new File(sk, name + ".png"));
            int w = img.getWidth() / 2;
            int h = img.getHeight() / 2;
            BufferedImage half = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int sum = 0;
                    for (int k = 0; k < 4; k++) {
                        sum += img.getRaster().getSample(2 * x + k % 2, 2 * y + k / 2, 0);
                    }
                    half.getRaster().setSample(x, y, 0, (sum + 2) / 4);
                }
            }
            ImageIO.write(half, "png", new File(out, "texture-" + name + ".png"));
        }
        // Middlebury 2006 Aloe from opencv-doc at 1/8: 8x8 box means (partial blocks at the bottom), ground truth
        // sampled at each block's centre and divided by 8 (the full-size PNG holds disparity in pixels, 0 = unknown)
        File cv = new File(src, "usr/share/doc/opencv-doc/examples/data");
        BufferedImage gtFull = ImageIO.read(new File(cv, "aloeGT.png"));
        int aw = gtFull.getWidth() / 8;
        int ah = (gtFull.getHeight() + 7) / 8;
        for (String side : new String[] {"L", "R"}) {
            BufferedImage img = ImageIO.read(new File(cv, "aloe" + side + ".jpg"));
            BufferedImage small = new BufferedImage(aw, ah, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < ah; y++) {
                for (int x = 0; x < aw; x++) {
                    long[] sum = new long[3];
                    int n = 0;
                    for (int yy = 8 * y; yy < Math.min(img.getHeight(), 8 * y + 8); yy++) {
                        for (int xx = 8 * x; xx < 8 * x + 8; xx++) {
                            int p = img.getRGB(xx, yy);
                            sum[0] += (p >> 16) & 255;
                            sum[1] += (p >> 8) & 255;
                            sum[2] += p & 255;
                            n++;
                        }
                    }
                    int half = n / 2;
                    small.setRGB(x, y, (int) ((sum[0] + half) / n) << 16 | (int) ((sum[1] + half) / n) << 8
                            | (int) ((sum[2] + half) / n));
                }
            }
            ImageIO.write(small, "png", new File(out, "aloe-" + (side.equals("L") ? "left" : "right") + "-eighth.png"));
        }
        java.nio.ByteBuffer pfm = java.nio.ByteBuffer.allocate(4 * aw * ah).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int y = ah - 1; y >= 0; y--) { // PFM rows run bottom to top
            for (int x = 0; x < aw; x++) {
                int v = gtFull.getRaster().getSample(Math.min(gtFull.getWidth() - 1, 8 * x + 4),
                        Math.min(gtFull.getHeight() - 1, 8 * y + 4), 0);
                pfm.putFloat(v == 0 ? Float.POSITIVE_INFINITY : v / 8f);
            }
        }
        try (OutputStream o = new FileOutputStream(new File(out, "aloe-disp-eighth.pfm"))) {
            o.write(("Pf\n" + aw + " " + ah + "\n-1.0\n").getBytes(StandardCharsets.US_ASCII));
            o.write(pfm.array());
        }
        System.out.println("image fixtures done");
    }
}
