package org.modelkit.distiller.focal.internal;

import ai.djl.Model;
import java.nio.file.Path;
import java.util.Locale;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Sampling;
import org.modelkit.io.LabelledFiles;
import org.modelkit.nn.ModelFiles;
import org.modelkit.nn.ModelSpec;
import org.modelkit.nn.Training;

/**
 * The congruent trainer's reference (scripts/make-congruent-fixtures): an MLP 784-128-10 (ReLU) trained with
 * cross-entropy on the first 1,000 images of the committed Fashion-MNIST training subset (Adam, lr 1e-3,
 * batch 64, 15 epochs, seed 1) -> testdata/models/fashion-mlp-old. The new models of the tests and the demo
 * train on all 2,000.
 */
public final class MakeCongruentFixtures {
    private MakeCongruentFixtures() {
    }

    public static void main(String[] args) throws Exception {
        LabelledSet all = LabelledFiles.read(Path.of("testdata/fashion-mnist/train-2000-images-idx3-ubyte.gz"));
        LabelledSet first = all.select(java.util.Arrays.copyOf(Sampling.range(all.size()), 1000));
        LabelledSet test = LabelledFiles.read(Path.of("testdata/fashion-mnist/t10k-1000-images-idx3-ubyte.gz"));
        ModelSpec spec = new ModelSpec("mlp", 10, "relu", false, new int[] {128}, new int[] {28, 28});
        Path out = Path.of("testdata/models/fashion-mlp-old");
        try (Model m = Model.newInstance("fashion-mlp-old")) {
            m.setBlock(spec.build());
            Training.Report r = Training.train(m, first, test, new Training.Config(15, 64, Training.Method.ADAM, 1e-3, 0, 0,
                    Training.Schedule.CONSTANT, 1), (stage, done, total) -> { });
            System.out.printf(Locale.ROOT, "test accuracy %.3f%n", r.finalEvalAccuracy());
            ModelFiles.save(out, spec, m.getBlock());
        }
        System.out.println("written " + out);
    }
}
