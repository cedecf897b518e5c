package org.modelkit.itest;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.modelkit.api.data.Frame;
import org.modelkit.api.segment.ImageSegmenter;
import org.modelkit.io.Images;
import org.modelkit.testkit.ImageSegmenterContract;

/**
 * DyStaB's static model against the conformance kit: a model trained by modelkit:segmenttrain on two sprite sequences
 * (one round, 40 epochs, as in SegmenterInFrameworkTest), configured through ConfigAdmin, segmenting a still frame.
 */
class DystabContractTest extends ImageSegmenterContract {
    static final ContractTests.Setup setup = new ContractTests.Setup();
    static Frame frame;

    @BeforeAll
    static void up() throws Exception {
        setup.up();
        Path dir = setup.folder("dystab-image-contract-");
        Fixtures.method(ContractTests.context(), ImageSegmenter.class, "dystab");
        for (String s : List.of("a", "b")) {
            setup.shell("modelkit:sprites -n 10 --size 32 -s " + (s.equals("a") ? 40 : 41) + " --still 3 -o " + dir.resolve(s));
        }
        setup.shell("modelkit:sprites -n 2 --size 32 -s 9 --still 2 -o " + dir.resolve("still"));
        setup.shell("modelkit:segmenttrain -r 1 -e 40 -o " + dir.resolve("model") + " " + dir.resolve("a") + " " + dir.resolve("b"));
        setup.configure("org.modelkit.segmenter.motion", Map.of("model", dir.resolve("model").toString()));
        frame = Images.readFrames(dir.resolve("still/frames")).get(0);
    }

    @AfterAll
    static void down() throws Exception {
        setup.down();
    }

    @Override
    protected ImageSegmenter method() throws InterruptedException {
        return Fixtures.method(ContractTests.context(), ImageSegmenter.class, methodName());
    }

    @Override
    protected String methodName() {
        return "dystab";
    }

    @Override
    protected Frame frame() {
        return frame;
    }
}
