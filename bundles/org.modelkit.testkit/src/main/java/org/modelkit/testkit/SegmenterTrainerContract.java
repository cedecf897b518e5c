package org.modelkit.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.Mask;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.segment.BootstrapRequest;
import org.modelkit.api.segment.BootstrapResult;
import org.modelkit.api.segment.SegmenterTrainer;

/**
 * The contract of a {@link SegmenterTrainer} (clauses in {@link MethodContract}). Input: {@link #request(Path)}, a small
 * job given by the subclass (two or more sequences with ground truth, one round, a few epochs: the clauses run it four
 * times), writing to a fresh folder each run (deleted after the test). Bad input: a null request ("request"), a
 * second sequence whose frames are one pixel wider than the first's ("sequence 1"), and ground-truth masks one pixel
 * wider than the frames ("ground-truth"). Degenerate: not one result per round, a loss that is not finite, a model
 * folder with no file in it, or a static model whose J on the ground truth is 0 (it segments nothing right).
 */
public abstract class SegmenterTrainerContract extends MethodContract<SegmenterTrainer> {
    @Override
    protected final Class<SegmenterTrainer> type() {
        return SegmenterTrainer.class;
    }

    /**
     * @param output a fresh, empty folder for the model
     * @return a small training job with a fixed seed, two or more sequences, ground truth for each
     */
    protected abstract BootstrapRequest request(Path output);

    @Override
    protected Object run(SegmenterTrainer method, Progress progress) {
        return method.train(request(freshFolder().resolve("model")), progress);
    }

    @Override
    protected List<Object> fingerprint(Object result) {
        BootstrapResult r = (BootstrapResult) result;
        List<Object> parts = new ArrayList<>(r.rounds());
        try (Stream<Path> files = Files.list(r.model())) {
            for (Path f : files.sorted().toList()) {
                parts.add(f.getFileName().toString());
                parts.add(Files.readAllBytes(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parts;
    }

    @Override
    protected String degenerate(Object result) {
        BootstrapResult r = (BootstrapResult) result;
        BootstrapRequest q = request(Path.of("unused"));
        if (r.rounds().size() != q.rounds()) {
            return r.rounds().size() + " round results for " + q.rounds() + " rounds";
        }
        for (BootstrapResult.Round round : r.rounds()) {
            if (!Double.isFinite(round.loss())) {
                return "round " + round.round() + " ended with loss " + round.loss();
            }
            if (q.groundTruth() != null && !(round.staticJ() > 0)) {
                return "round " + round.round() + ": the static model's J on the ground truth is " + round.staticJ();
            }
        }
        try (Stream<Path> files = Files.list(r.model())) {
            return files.findAny().isPresent() ? null : "the model folder " + r.model() + " is empty";
        } catch (IOException e) {
            return "the model folder " + r.model() + " cannot be listed: " + e.getMessage();
        }
    }

    @Override
    protected List<BadInput> badInputs(SegmenterTrainer method) {
        BootstrapRequest q = request(freshFolder().resolve("model"));
        List<List<Frame>> wider = new ArrayList<>(q.sequences());
        wider.set(1, q.sequences().get(1).stream().map(SegmenterTrainerContract::widen).toList());
        List<List<Mask>> widerMasks = new ArrayList<>();
        for (List<Frame> s : q.sequences()) {
            widerMasks.add(s.stream().map(f -> new Mask(f.width() + 1, f.height(), new boolean[(f.width() + 1) * f.height()]))
                    .toList());
        }
        return List.of(
                new BadInput("a null request", "request", () -> method.train(null, Progress.NONE)),
                new BadInput("sequence 1 one pixel wider than sequence 0", "sequence 1", () -> method.train(new BootstrapRequest(
                        wider, null, q.rounds(), q.epochs(), q.seed(), q.output()), Progress.NONE)),
                new BadInput("ground-truth masks one pixel wider than the frames", "ground-truth", () -> method.train(
                        new BootstrapRequest(q.sequences(), widerMasks, q.rounds(), q.epochs(), q.seed(), q.output()),
                        Progress.NONE)));
    }

    private static Frame widen(Frame f) {
        return new Frame(f.width() + 1, f.height(), f.channels(), new float[(f.width() + 1) * f.height() * f.channels()]);
    }
}
