package org.modelkit.linearizer.lqf.internal;

import ai.djl.Model;
import java.nio.file.Path;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.io.Idx;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.ModelSpec;
import org.modelkit.nn.Training;

/**
 * Pre-trains the network LQF fine-tunes: the small CNN with Leaky-ReLU (slope 0.01) and no batch norm,
 * on the 60,000 Fashion-MNIST training images (data/fashion-mnist, from scripts/fetch-data), SGD with
 * momentum 0.9, lr 0.05 with cosine decay, batch 128, 4 epochs, seed 1. Writes the model directory
 * given as the first argument (scripts/make-pretrained: testdata/models/fashion-cnn-leaky).
 */
public final class Pretrain {
    private Pretrain() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "testdata/models/fashion-cnn-leaky");
        Path data = Path.of("data/fashion-mnist");
        LabelledSet train = Idx.readLabelled(data.resolve("train-images-idx3-ubyte.gz"),
                data.resolve("train-labels-idx1-ubyte.gz"), null);
        LabelledSet test = Idx.readLabelled(data.resolve("t10k-images-idx3-ubyte.gz"),
                data.resolve("t10k-labels-idx1-ubyte.gz"), null);
        ModelSpec spec = new ModelSpec("small-cnn", 10, "leaky_relu", false, new int[0], new int[] {1, 28, 28});
        try (Model model = Model.newInstance("fashion-cnn-leaky")) {
            model.setBlock(spec.build());
            Training.Report r = Training.train(model, train, test, new Training.Config(4, 128, Training.Method.SGD, 0.05,
                    0.9, 1e-4, Training.Schedule.COSINE, 1), (stage, done, total) -> System.out.println(stage + " " + done
                            + "/" + total));
            System.out.println("test accuracy per epoch: " + java.util.Arrays.toString(r.evalAccuracy()));
            ModelFiles.save(out, spec, model.getBlock());
            System.out.println("written to " + out);
        }
    }
}
