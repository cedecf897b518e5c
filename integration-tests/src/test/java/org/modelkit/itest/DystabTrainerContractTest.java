package org.modelkit.itest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.Mask;
import org.modelkit.api.segment.BootstrapRequest;
import org.modelkit.api.segment.SegmenterTrainer;
import org.modelkit.io.Images;
import org.modelkit.testkit.SegmenterTrainerContract;

/**
 * DyStaB's bootstrap against the conformance kit: two sequences of 8 frames of 32x32 written by the bundle's own
 * modelkit:sprites, with their ground-truth masks, one round of 10 epochs.
 */
class DystabTrainerContractTest extends SegmenterTrainerContract {
    static final ContractTests.Setup setup = new ContractTests.Setup();
    static final List<List<Frame>> sequences = new ArrayList<>();
    static final List<List<Mask>> masks = new ArrayList<>();

    @BeforeAll
    static void up() throws Exception {
        setup.up();
        Path dir = setup.folder("dystab-contract-");
        Fixtures.method(ContractTests.context(), SegmenterTrainer.class, "dystab");
        sequences.clear();
        masks.clear();
        for (int seed : new int[] {40, 41}) {
            Path seq = dir.resolve("seq" + seed);
            setup.shell("modelkit:sprites -n 8 --size 32 -s " + seed + " -o " + seq);
            sequences.add(Images.readFrames(seq.resolve("frames")));
            masks.add(Images.readFrames(seq.resolve("masks")).stream().map(DystabTrainerContractTest::mask).toList());
        }
    }

    /** @return the ground-truth picture as a mask: inside where it is brighter than half */
    static Mask mask(Frame f) {
        float[] g = f.toGrey().toArray();
        boolean[] in = new boolean[g.length];
        for (int i = 0; i < g.length; i++) {
            in[i] = g[i] > 0.5f;
        }
        return new Mask(f.width(), f.height(), in);
    }

    @AfterAll
    static void down() throws Exception {
        setup.down();
    }

    @Override
    protected SegmenterTrainer method() throws InterruptedException {
        return Fixtures.method(ContractTests.context(), SegmenterTrainer.class, methodName());
    }

    @Override
    protected String methodName() {
        return "dystab";
    }

    @Override
    protected BootstrapRequest request(Path output) {
        return new BootstrapRequest(sequences, masks, 1, 10, 1, output);
    }
}
