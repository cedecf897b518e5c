package org.modelkit.itest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.modelkit.api.data.Frame;
import org.modelkit.api.segment.Segmenter;
import org.modelkit.io.Images;
import org.modelkit.testkit.SegmenterContract;

/**
 * The motion segmenter CIS against the conformance kit: a textured disk over a panning background, 5 frames of
 * 32x32 written by the bundle's own modelkit:sprites.
 */
class CisContractTest extends SegmenterContract {
    static final ContractTests.Setup backend = new ContractTests.Setup();
    static Path dir;
    static List<Frame> frames;

    @BeforeAll
    static void up() throws Exception {
        backend.up();
        dir = Files.createTempDirectory("cis-contract-");
        var ref = ContractTests.context().getServiceReference(CommandProcessor.class);
        CommandSession session = Fixtures.session(ContractTests.context().getService(ref));
        try {
            Fixtures.method(ContractTests.context(), Segmenter.class, "cis");
            session.execute("modelkit:sprites -n 5 --size 32 -s 4 -o " + dir.resolve("seq"));
        } finally {
            session.close();
            ContractTests.context().ungetService(ref);
        }
        try {
            frames = Images.readFrames(dir.resolve("seq/frames"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void down() throws Exception {
        backend.down();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Override
    protected Segmenter method() throws InterruptedException {
        return Fixtures.method(ContractTests.context(), Segmenter.class, methodName());
    }

    @Override
    protected String methodName() {
        return "cis";
    }

    @Override
    protected List<Frame> frames() {
        return frames;
    }
}
