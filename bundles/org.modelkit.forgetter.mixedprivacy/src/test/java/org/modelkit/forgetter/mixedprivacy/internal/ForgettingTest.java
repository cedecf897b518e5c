package org.modelkit.forgetter.mixedprivacy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.forget.ForgetRequest;
import org.modelkit.api.forget.ForgetResult;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.model.StoredModel;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.pytorch.LocalBackends;
import org.modelkit.io.LabelledFiles;
import org.modelkit.linearizer.lqf.internal.LqfLinearizer;
import org.modelkit.store.internal.FileModelStore;

/**
 * The forgetter as a service over a real model store and audit log: train, forget a class, forget all,
 * purge, bad requests refused and logged with nothing published, one request at a time, the hash chain.
 */
class ForgettingTest {
    @TempDir
    static Path tmp;

    static TensorBackend backend;
    static FileModelStore store;
    static AuditLog audit;
    static Forgetting f;
    static LabelledSet user;
    static LabelledSet test;
    static ModelHandle core;
    /** CG with K-FAC, capped low: the bound certifies whatever the solve reached */
    static final MixedSettings S = MixedSettings.DEFAULTS.withSolve(1e-10, 300, true);

    @BeforeAll
    static void open() throws Exception {
        backend = LocalBackends.pytorchCpu("test");
        store = FileModelStore.open(tmp.resolve("models"));
        audit = new AuditLog(tmp.resolve("audit"));
        f = new Forgetting(S, new LqfLinearizer(), store, backend, audit, "mixed-privacy test");
        user = LabelledFiles.read(MixedPrivacyTest.testdata("forget/user.csv"));
        test = LabelledFiles.read(MixedPrivacyTest.testdata("forget/test.csv"));
        core = store.importModel(MixedPrivacyTest.testdata("models/digits-mlp-core"), "digits-core").handle();
    }

    static int[] ofClass(int c) {
        return IntStream.range(0, user.size()).filter(i -> user.label(i) == c).toArray();
    }

    @Test
    void trainForgetAClassForgetAllAndTheAuditLog() throws Exception {
        ForgetResult trained = f.train(core, user, "digits-mp", Progress.NONE);
        assertEquals("digits-mp@1", trained.model().toString());
        StoredModel v1 = store.open(trained.model());
        assertEquals(core, v1.parent());
        assertTrue(Files.isRegularFile(v1.directory().resolve("user.params")));
        double coreAcc = test.accuracy(f.predictCore(core, test.features()));
        double mixedAcc = test.accuracy(f.predict(trained.model(), test.features()));
        System.out.printf(Locale.ROOT, "test accuracy: core %.4f, mixed-linear %.4f (%d user weights)%n", coreAcc, mixedAcc,
                trained.metrics().get("user weights").longValue());
        assertTrue(mixedAcc > coreAcc + 0.005, "the user samples teach the mixed model something: " + mixedAcc + " vs "
                + coreAcc);

        int[] class3 = ofClass(3);
        ForgetResult r = f.forget(ForgetRequest.of(trained.model(), user, class3).by("test suite"), Progress.NONE);
        assertEquals("digits-mp@2", r.model().toString());
        assertTrue(store.describe("digits-mp@2").current());
        StoredModel old = store.open(new ModelHandle("digits-mp", "1"));
        assertFalse(old.current(), "the old version is retired but opens by handle");
        Map<String, Double> m = r.metrics();
        System.out.println("forget class 3: " + m);
        assertTrue(m.get("accuracy forgotten before") > 0.9 && m.get("accuracy forgotten") < 0.1, m.toString());
        assertTrue(m.get("accuracy retained") > 0.95, m.toString());
        assertTrue(r.remainingInformationNats() > 0 && Double.isFinite(r.remainingInformationNats()));
        int[] p = f.predict(r.model(), test.features());
        int[] test3 = IntStream.range(0, test.size()).filter(i -> test.label(i) == 3).toArray();
        double test3acc = test.select(test3).accuracy(Arrays.stream(test3).map(i -> p[i]).toArray());
        System.out.printf(Locale.ROOT, "after forgetting class 3: test accuracy %.4f, on test digits 3 %.4f%n",
                test.accuracy(p), test3acc);

        // a second request against the retired version is refused: forget from the current one
        IllegalArgumentException stale = assertThrows(IllegalArgumentException.class,
                () -> f.forget(ForgetRequest.of(trained.model(), user, new int[] {0}), Progress.NONE));
        assertTrue(stale.getMessage().contains("not the current version"), stale.getMessage());

        // forgetting all: w_u = 0, the core network's predictions, bound 0; with --purge the old version's files go
        ForgetResult all = f.forget(ForgetRequest.everything(r.model()).purging(true), Progress.NONE);
        assertEquals(0, all.remainingInformationNats());
        assertTrue(Arrays.equals(f.predictCore(core, test.features()), f.predict(all.model(), test.features())),
                "forgetting all gives the core model");
        assertEquals(StoredModel.State.PURGED, store.describe("digits-mp@2").state());
        byte[] zeros = Files.readAllBytes(store.open(all.model()).directory().resolve("user.params"));
        assertEquals(Files.size(old.directory().resolve("user.params")), zeros.length);

        AuditLog.Verification v = audit.verify("digits-mp");
        assertTrue(v.ok(), v.problems().toString());
        List<AuditLog.Entry> lines = audit.read("digits-mp");
        List<String> events = lines.stream().map(e -> e.kind() + ":" + e.event()).toList();
        assertEquals(List.of("train:received", "train:done", "forget:received", "forget:done", "forget:received",
                "forget:refused", "forget-all:received", "forget-all:done"), events);
        AuditLog.Entry done = lines.get(3);
        assertEquals("test suite", done.requester());
        assertEquals(class3.length, done.samples().size());
        assertEquals(done.samples().size(), done.digests().size());
        assertTrue(done.bound() > 0 && done.cgIterations() > 0 && done.readouts().containsKey("accuracy forgotten"));
        String text = Files.readString(audit.file("digits-mp"));
        assertFalse(text.contains("0.0625,"), "no sample content in the log");

        // one edited line breaks the chain at the next one
        List<String> raw = new ArrayList<>(Files.readAllLines(audit.file("digits-mp")));
        raw.set(3, raw.get(3).replace("\"requester\":\"test suite\"", "\"requester\":\"someone else\""));
        Path copy = tmp.resolve("edited").resolve("digits-mp.jsonl");
        Files.createDirectories(copy.getParent());
        Files.write(copy, raw, StandardCharsets.UTF_8);
        AuditLog.Verification bad = new AuditLog(copy.getParent()).verify("digits-mp");
        assertFalse(bad.ok());
        assertTrue(bad.problems().get(0).startsWith("line 5 does not chain to line 4"), bad.problems().toString());
    }

    @Test
    void badRequestsAreRefusedLoggedAndPublishNothing() throws Exception {
        ForgetResult trained = f.train(core, user, "digits-bad", Progress.NONE);
        ModelHandle h = trained.model();
        LabelledSet other = LabelledFiles.read(MixedPrivacyTest.testdata("forget/core.csv"));
        float[] changed = user.features().toArray();
        changed[5 * 64 + 20] += 0.5f;
        LabelledSet tampered = new LabelledSet(Tensor.of(changed, user.features().shape()), user.labels(), user.classNames());
        int[] everything = IntStream.range(0, user.size()).toArray();
        Map<String, ForgetRequest> bad = new java.util.LinkedHashMap<>();
        bad.put("is not a user sample", ForgetRequest.of(h, user, new int[] {400}));
        bad.put("is named twice", ForgetRequest.of(h, user, new int[] {3, 3}));
        bad.put("no samples to forget", ForgetRequest.of(h, user, new int[0]));
        bad.put("forget all of them instead", ForgetRequest.of(h, user, everything));
        bad.put("was trained on 400", ForgetRequest.of(h, other, new int[] {1}));
        bad.put("differs from the one", ForgetRequest.of(h, tampered, new int[] {1}));
        bad.put("is not forgettable", ForgetRequest.of(core, user, new int[] {1}));
        int before = store.list().size();
        for (Map.Entry<String, ForgetRequest> e : bad.entrySet()) {
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> f.forget(e.getValue(),
                    Progress.NONE), e.getKey());
            assertTrue(x.getMessage().contains(e.getKey()), x.getMessage());
            assertFalse(x.getMessage().contains("\n"), x.getMessage());
        }
        assertEquals(before, store.list().size(), "nothing published");
        assertEquals(h, store.resolve("digits-bad"), "the current version is unchanged");
        List<AuditLog.Entry> lines = audit.read("digits-bad");
        assertEquals(bad.size() - 1, lines.stream().filter(x -> x.event().equals("refused")).count(),
                "a refused line for each request on this id (the core model's has its own log)");

        // an id already forgotten
        f.forget(ForgetRequest.of(h, user, new int[] {7}), Progress.NONE);
        IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
                () -> f.forget(ForgetRequest.of(store.resolve("digits-bad"), user, new int[] {7, 8}), Progress.NONE));
        assertTrue(again.getMessage().contains("sample id 7 was already forgotten"), again.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MixedSettings.DEFAULTS.withSigma(0));
        assertThrows(IllegalArgumentException.class, () -> MixedSettings.DEFAULTS.withSigma(-1));
    }

    @Test
    void aUserSampleThatIsACoreSampleIsNeverForgotten() throws Exception {
        LabelledSet coreSet = LabelledFiles.read(MixedPrivacyTest.testdata("forget/core.csv"));
        // the user samples plus one core sample, appended (CSV values scale the same: both hold 16)
        float[] u = user.features().toArray();
        float[] x = Arrays.copyOf(u, u.length + 64);
        System.arraycopy(coreSet.features().toArray(), 0, x, u.length, 64);
        int[] y = Arrays.copyOf(user.labels(), user.size() + 1);
        y[user.size()] = coreSet.label(0);
        LabelledSet withCore = new LabelledSet(Tensor.of(x, user.size() + 1, 8, 8), y, user.classNames());
        ForgetResult r = f.train(core, withCore, "digits-dup", Progress.NONE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> f.forget(ForgetRequest.of(r.model(), withCore, new int[] {user.size()}), Progress.NONE));
        assertTrue(e.getMessage().contains("is also a core sample"), e.getMessage());
    }

    @Test
    void aSecondRequestOnOneModelWaitsAndSaysSo() throws Exception {
        ForgetResult trained = f.train(core, user, "digits-wait", Progress.NONE);
        List<String> stages = new CopyOnWriteArrayList<>();
        Throwable[] second = new Throwable[1];
        Thread a = new Thread(() -> f.forget(ForgetRequest.of(trained.model(), user, ofClass(5)), Progress.NONE));
        a.start();
        Thread.sleep(300);
        Thread b = new Thread(() -> {
            try {
                f.forget(ForgetRequest.of(trained.model(), user, ofClass(6)), (stage, done, total) -> stages.add(stage));
            } catch (Throwable t) {
                second[0] = t;
            }
        });
        b.start();
        a.join();
        b.join();
        assertTrue(stages.stream().anyMatch(s -> s.startsWith("waiting for another request on digits-wait")), stages.toString());
        // it waited for the first, whose result is now current: the second named the old version
        assertTrue(second[0] instanceof IllegalArgumentException && second[0].getMessage().contains("not the current version"),
                String.valueOf(second[0]));
        assertEquals("digits-wait@2", store.resolve("digits-wait").toString());
    }

    @Test
    void aCancelledRequestPublishesNothingAndIsLogged() throws Exception {
        ForgetResult trained = f.train(core, user, "digits-cancel", Progress.NONE);
        int before = store.versions("digits-cancel").size();
        Progress cancelAfter10 = new Progress() {
            int reports;

            @Override
            public void report(String stage, long done, long total) {
                reports++;
            }

            @Override
            public boolean isCancelled() {
                return reports >= 10;
            }
        };
        assertThrows(org.modelkit.api.progress.CancelledException.class,
                () -> f.forget(ForgetRequest.of(trained.model(), user, ofClass(2)), cancelAfter10));
        assertEquals(before, store.versions("digits-cancel").size(), "nothing published");
        List<AuditLog.Entry> lines = audit.read("digits-cancel");
        assertEquals("cancelled", lines.get(lines.size() - 1).event());
    }

    @Test
    void aGateThatRefusesKeepsTheCurrentVersionAndIsLogged() throws Exception {
        java.util.List<org.modelkit.api.model.PromotionGate> gates = new CopyOnWriteArrayList<>();
        FileModelStore gated = FileModelStore.open(tmp.resolve("gated"), FileModelStore.Settings.DEFAULT, () -> gates,
                FileModelStore.Hook.NONE);
        AuditLog log = new AuditLog(tmp.resolve("gated-audit"));
        Forgetting g = new Forgetting(S, new LqfLinearizer(), gated, backend, log, "mixed-privacy test");
        ModelHandle c = gated.importModel(MixedPrivacyTest.testdata("models/digits-mlp-core"), "digits-core").handle();
        ForgetResult trained = g.train(c, user, "digits-gated", Progress.NONE);
        gates.add((current, candidate) -> java.util.Optional.of("no forgetting on Fridays"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> g.forget(ForgetRequest.of(trained.model(), user, new int[] {1, 2}), Progress.NONE));
        assertTrue(e.getMessage().contains("no forgetting on Fridays"), e.getMessage());
        assertEquals(trained.model(), gated.resolve("digits-gated"), "the current version is unchanged");
        assertEquals(StoredModel.State.REMOVED, gated.describe("digits-gated@2").state(), "the refused version is retired");
        List<AuditLog.Entry> lines = log.read("digits-gated");
        assertEquals("refused", lines.get(lines.size() - 1).event());
        assertTrue(lines.get(lines.size() - 1).reason().contains("no forgetting on Fridays"));
    }
}
