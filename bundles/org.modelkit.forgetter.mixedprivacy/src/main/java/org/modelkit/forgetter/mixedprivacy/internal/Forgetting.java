package org.modelkit.forgetter.mixedprivacy.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Sampling;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.forget.ForgetRequest;
import org.modelkit.api.forget.ForgetResult;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.model.ModelStore;
import org.modelkit.api.model.StoredModel;
import org.modelkit.api.progress.CancelledException;
import org.modelkit.api.progress.Progress;
import org.modelkit.compute.api.TensorBackend;
import org.modelkit.compute.api.linearizer.Linearizer;
import org.modelkit.io.Json;
import org.modelkit.io.SampleDigests;
import org.modelkit.nn.ModelFiles;

/**
 * One forgetter call, on the backend it started on: training a forgettable model, serving a forget
 * request, predicting. Every request is logged before any work ("received") and after ("done",
 * "refused", "cancelled" or "failed"), and requests against one model id run one at a time.
 */
final class Forgetting {
    private static final Logger LOG = Logger.getLogger(Forgetting.class.getName());
    /** Per model id (and store): one request at a time, across the job's instances. */
    private static final ConcurrentHashMap<String, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final MixedSettings s;
    private final Linearizer linearizer;
    private final ModelStore store;
    private final TensorBackend backend;
    private final AuditLog audit;
    private final String creator;

    Forgetting(MixedSettings settings, Linearizer linearizer, ModelStore store, TensorBackend backend, AuditLog audit,
            String creator) {
        this.s = settings;
        this.linearizer = linearizer;
        this.store = store;
        this.backend = backend;
        this.audit = audit;
        this.creator = creator;
    }

    /** The audit folder a store implies: audit/ beside its root, unless configured. */
    static Path auditDir(MixedSettings s, ModelStore store) {
        return s.auditDir().isBlank() ? store.root().toAbsolutePath().normalize().getParent().resolve("audit")
                : Path.of(s.auditDir());
    }

    // ------------------------------------------------------------------ training

    ForgetResult train(ModelHandle core, LabelledSet user, String id, Progress progress) {
        ModelHandle.checkId(id);
        String request = UUID.randomUUID().toString();
        log(id, entry(request, "train", "received", "", core, null, null, null, null));
        long t0 = System.nanoTime();
        try (Held h = hold(id, progress)) {
            List<StoredModel> existing = versions(id);
            if (!existing.isEmpty()) {
                throw new IllegalArgumentException("model id " + id + " already exists (" + existing.size() + " versions):"
                        + " a forgettable model's versions are one forgetting lineage; train under another id");
            }
            StoredModel c = store.open(core);
            if (c.spec() == null || !c.has("djl-params")) {
                throw new IllegalArgumentException("core model " + core + " is not a network Modelkit can linearize: it"
                        + " needs model.json and parameters.params (it holds " + String.join(", ", c.formats()) + ")");
            }
            if (user == null || user.size() < 2) {
                throw new IllegalArgumentException("the user samples must hold at least 2 samples");
            }
            List<String> coreSamples = coreSamples(c.directory());
            try (NDManager m = backend.newManager();
                    MixedLinear ml = MixedLinear.load(c.directory(), linearizer, m, s.linearizedLayers());
                    MixedLinear.Data d = ml.bind(user, s.alpha())) {
                MixedPrivacy.Fit fit = MixedPrivacy.fitUser(ml, d, s, progress);
                NDArray published = MixedPrivacy.noisy(fit.weights(), s.sigma(), noiseSeed(id, c.handle()));
                double userAccuracy = user.accuracy(d.predict(published));
                double coreAccuracy = user.accuracy(d.predict(ml.zeros()));
                List<MixedFile.Sample> retained = new ArrayList<>();
                String[] digests = SampleDigests.all(user);
                for (int i = 0; i < digests.length; i++) {
                    retained.add(new MixedFile.Sample(i, digests[i]));
                }
                MixedFile mf = new MixedFile(1, c.handle().toString(), c.digest(), s.linearizedLayers(), ml.parameterNames(),
                        ml.size(), s.alpha(), s.lambda(), s.sigma(), user.size(), retained, List.of(), coreSamples, 0, 0);
                Map<String, String> props = new LinkedHashMap<>();
                props.put("kind", "mixed-privacy forgettable (core " + c.handle() + " + linearized user weights)");
                props.put("user samples", Integer.toString(user.size()));
                props.put("user weights", Long.toString(ml.size()));
                props.put("user accuracy", format(userAccuracy));
                props.put("sigma", Double.toString(s.sigma()));
                props.put("lambda", Double.toString(s.lambda()));
                StoredModel v = publishAndPromote(id, c.handle(), c.directory(), mf, published, props, null);
                Map<String, Double> metrics = new LinkedHashMap<>();
                metrics.put("user weights", (double) ml.size());
                metrics.put("user accuracy", userAccuracy);
                metrics.put("core user accuracy", coreAccuracy);
                metrics.put("final loss", fit.loss()[fit.loss().length - 1]);
                metrics.put("epochs", (double) s.epochs());
                metrics.put("learning rate", fit.rate());
                metrics.put("seconds", (System.nanoTime() - t0) / 1e9);
                log(id, entry(request, "train", "done", "", core, v.handle(), null, null, null).readouts(metrics)
                        .noise(s));
                published.close();
                fit.weights().close();
                return new ForgetResult(v.handle(), 0, metrics);
            }
        } catch (RuntimeException | IOException e) {
            throw outcome(id, request, "train", "", core, e);
        }
    }

    // ------------------------------------------------------------------ forgetting

    ForgetResult forget(ForgetRequest r, Progress progress) {
        String id = ModelHandle.checkId(r.model().id());
        String request = UUID.randomUUID().toString();
        String kind = r.all() ? "forget-all" : "forget";
        List<Integer> asked = r.all() ? null : Arrays.stream(r.forget()).boxed().toList();
        log(id, entry(request, kind, "received", r.requester(), r.model(), null, asked, null, null));
        long t0 = System.nanoTime();
        try (Held h = hold(id, progress)) {
            StoredModel old = store.describe(r.model().toString());
            if (!old.current()) {
                throw new IllegalArgumentException("model " + old.handle() + " is not the current version of " + id
                        + " (" + store.resolve(id) + " is): forget from the current one");
            }
            old = store.open(old.handle());
            MixedFile mf = readMixed(old);
            List<MixedFile.Sample> retainedNew;
            List<Integer> forgottenNow;
            List<String> forgottenDigests;
            Map<String, Double> metrics = new LinkedHashMap<>();
            double bound;
            NDArray publishedW;
            try (NDManager m = backend.newManager();
                    MixedLinear ml = MixedLinear.load(old.directory(), linearizer, m, mf.linearizedLayers())) {
                if (!ml.parameterNames().equals(mf.parameters())) {
                    throw new IllegalArgumentException("model " + old.handle() + ": " + MixedFile.NAME + " names parameters "
                            + mf.parameters() + ", the network " + ml.parameterNames());
                }
                if (r.all()) {
                    if (mf.retained().isEmpty()) {
                        throw new IllegalArgumentException("model " + old.handle() + " has no user samples left to forget");
                    }
                    forgottenNow = mf.retained().stream().map(MixedFile.Sample::id).toList();
                    forgottenDigests = mf.retained().stream().map(MixedFile.Sample::sha256).toList();
                    retainedNew = List.of();
                    publishedW = ml.zeros(); // w_u = 0 is the core model: nothing about a user sample remains
                    bound = 0;
                } else {
                    int[] forget = checkRequest(old.handle(), mf, r.training(), r.forget());
                    Set<Integer> drop = new HashSet<>();
                    for (int i : forget) {
                        drop.add(i);
                    }
                    retainedNew = mf.retained().stream().filter(x -> !drop.contains(x.id())).toList();
                    forgottenNow = Arrays.stream(forget).boxed().toList();
                    forgottenDigests = Arrays.stream(forget).mapToObj(i -> SampleDigests.sha256(r.training(), i)).toList();
                    int[] keep = retainedNew.stream().mapToInt(MixedFile.Sample::id).toArray();
                    try (MixedLinear.Data d = ml.bind(r.training(), mf.alpha()); NDArray w = readUser(old.directory(), ml)) {
                        MixedSettings ms = new MixedSettings(mf.alpha(), mf.lambda(), mf.sigma(), mf.linearizedLayers(),
                                s.cgTolerance(), s.maxIterations(), s.direct(), s.kfac(), s.epochs(), s.batchSize(), s.momentum(),
                                s.learningRate(), s.seed(), s.noiseSeed(), s.auditDir());
                        MixedPrivacy.Step step = MixedPrivacy.forget(ml, d, w, keep, ms, progress);
                        publishedW = MixedPrivacy.noisy(step.weights(), mf.sigma(), noiseSeed(id, old.handle()));
                        step.weights().close();
                        bound = step.boundNats();
                        LabelledSet forgotten = r.training().select(forget);
                        LabelledSet kept = r.training().select(keep);
                        metrics.put("accuracy forgotten before", forgotten.accuracy(pick(d.predict(w), forget)));
                        int[] after = d.predict(publishedW);
                        metrics.put("accuracy forgotten", forgotten.accuracy(pick(after, forget)));
                        metrics.put("accuracy retained", kept.accuracy(pick(after, keep)));
                        metrics.put("cg iterations", (double) step.iterations());
                        metrics.put("cg residual", step.residual());
                        metrics.put("gradient norm", step.gradientNorm());
                    }
                }
                double running = r.all() ? 0 : mf.runningBound() + bound;
                List<Integer> forgottenAll = new ArrayList<>(mf.forgotten());
                forgottenAll.addAll(forgottenNow);
                MixedFile next = new MixedFile(1, mf.core(), mf.coreDigest(), mf.linearizedLayers(), mf.parameters(),
                        mf.parameterCount(), mf.alpha(), mf.lambda(), mf.sigma(), mf.userSamples(), retainedNew, forgottenAll,
                        mf.coreSamples(), bound, running);
                Map<String, String> props = new LinkedHashMap<>(old.properties());
                props.put("forgotten samples", Integer.toString(forgottenAll.size()));
                props.put("user samples", Integer.toString(retainedNew.size()));
                props.put("bound nats", Double.toString(bound));
                props.put("running bound nats", Double.toString(running));
                props.remove("user accuracy");
                StoredModel v = publishAndPromote(id, old.handle(), old.directory(), next, publishedW, props, r);
                publishedW.close();
                if (r.purge()) { // else the old version stays retrievable by id@version, no longer current
                    store.remove(old.handle());
                    store.purge(old.handle());
                }
                metrics.put("bound nats", bound);
                metrics.put("running bound nats", running);
                metrics.put("forgotten", (double) forgottenNow.size());
                metrics.put("seconds", (System.nanoTime() - t0) / 1e9);
                Builder done = entry(request, kind, "done", r.requester(), old.handle(), v.handle(), forgottenNow,
                        forgottenDigests, null).readouts(metrics).noise(s.withSigma(mf.sigma()));
                log(id, done.certificate(metrics.get("cg iterations"), metrics.get("cg residual"), bound, running));
                return new ForgetResult(v.handle(), bound, metrics);
            }
        } catch (RuntimeException | IOException e) {
            throw outcome(id, request, kind, r.requester(), r.model(), e);
        }
    }

    private List<StoredModel> versions(String id) {
        try {
            return store.versions(id);
        } catch (IllegalArgumentException unknown) {
            return List.of();
        }
    }

    /** Checks a request's samples against the version; returns the indices to forget. */
    private static int[] checkRequest(ModelHandle h, MixedFile mf, LabelledSet training, int[] forget) {
        if (training.size() != mf.userSamples()) {
            throw new IllegalArgumentException("the user samples hold " + training.size() + " samples, but " + h
                    + " was trained on " + mf.userSamples() + ": give the user file it was trained on");
        }
        for (MixedFile.Sample x : mf.retained()) {
            String d = SampleDigests.sha256(training, x.id());
            if (!d.equals(x.sha256())) {
                throw new IllegalArgumentException("user sample " + x.id() + " differs from the one " + h + " was trained on"
                        + " (SHA-256 " + d.substring(0, 12) + "… instead of " + x.sha256().substring(0, 12)
                        + "…): give the user file it was trained on");
            }
        }
        if (forget.length == 0) {
            throw new IllegalArgumentException("no samples to forget: name at least one (or forget all)");
        }
        Set<Integer> retained = new HashSet<>();
        mf.retained().forEach(x -> retained.add(x.id()));
        Set<Integer> already = new HashSet<>(mf.forgotten());
        Set<String> core = new HashSet<>(mf.coreSamples());
        Set<Integer> seen = new HashSet<>();
        for (int i : forget) {
            if (i < 0 || i >= training.size()) {
                throw new IllegalArgumentException("sample id " + i + " is not a user sample (ids are 0 to "
                        + (training.size() - 1) + ")");
            }
            if (!seen.add(i)) {
                throw new IllegalArgumentException("sample id " + i + " is named twice");
            }
            if (already.contains(i)) {
                throw new IllegalArgumentException("sample id " + i + " was already forgotten (" + h + " no longer learns"
                        + " from it)");
            }
            if (core.contains(SampleDigests.sha256(training, i))) {
                throw new IllegalArgumentException("sample id " + i + " is also a core sample (same SHA-256), and core"
                        + " samples are never forgotten");
            }
        }
        if (forget.length >= retained.size()) {
            throw new IllegalArgumentException("the request names all " + retained.size() + " remaining user samples:"
                    + " forget all of them instead (--all), which sets the user weights to 0");
        }
        return forget;
    }

    // ------------------------------------------------------------------ prediction

    int[] predict(ModelHandle model, Tensor features) {
        StoredModel v = store.open(model);
        MixedFile mf = readMixed(v);
        try (NDManager m = backend.newManager();
                MixedLinear ml = MixedLinear.load(v.directory(), linearizer, m, mf.linearizedLayers());
                MixedLinear.Data d = ml.bind(LabelledSet.withNumberedClasses(features, new int[features.dim(0)]), mf.alpha());
                NDArray w = readUser(v.directory(), ml)) {
            return d.predict(w);
        } catch (IOException e) {
            throw new UncheckedIOException("model " + model + ": " + e.getMessage(), e);
        }
    }

    /** The core model's own predictions (user weights 0: f(x; w_c) in float64). */
    int[] predictCore(ModelHandle core, Tensor features) {
        StoredModel c = store.open(core);
        try (NDManager m = backend.newManager();
                MixedLinear ml = MixedLinear.load(c.directory(), linearizer, m, s.linearizedLayers());
                MixedLinear.Data d = ml.bind(LabelledSet.withNumberedClasses(features, new int[features.dim(0)]), s.alpha());
                NDArray w = ml.zeros()) {
            return d.predict(w);
        } catch (IOException e) {
            throw new UncheckedIOException("model " + core + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ files

    /** Publishes w (with the folder's core files) as a new version of id and makes it current. */
    private StoredModel publishAndPromote(String id, ModelHandle parent, Path from, MixedFile mf, NDArray w,
            Map<String, String> props, ForgetRequest r) throws IOException {
        byte[] user;
        try (NDList l = new NDList(w.duplicate())) {
            user = l.encode();
        }
        StoredModel v = store.publish(id, parent, creator, props, dir -> {
            Files.copy(from.resolve(ModelFiles.SPEC), dir.resolve(ModelFiles.SPEC));
            Files.copy(from.resolve(ModelFiles.PARAMETERS), dir.resolve(ModelFiles.PARAMETERS));
            Files.write(dir.resolve(MixedFile.USER), user);
            Json.write(dir.resolve(MixedFile.NAME), mf);
        });
        if (!v.current()) {
            try {
                v = store.promote(v.handle());
            } catch (IllegalStateException gate) {
                store.remove(v.handle()); // the old version stays current; the refused one is kept, retired
                throw new IllegalStateException("forgetting " + (r == null ? "" : r.model() + " ") + "made " + v.handle()
                        + ", but it was not made current: " + gate.getMessage() + " (" + v.handle() + " is retired;"
                        + " the current version is unchanged)", gate);
            }
        }
        return v;
    }

    private static MixedFile readMixed(StoredModel v) {
        Path f = v.directory().resolve(MixedFile.NAME);
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException("model " + v.handle() + " is not forgettable: it has no " + MixedFile.NAME
                    + " (modelkit:forgettable makes one from a core model)");
        }
        try {
            return Json.read(f, MixedFile.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("model " + v.handle() + ": " + e.getMessage());
        }
    }

    private static NDArray readUser(Path dir, MixedLinear ml) throws IOException {
        Path f = dir.resolve(MixedFile.USER);
        try (InputStream in = Files.newInputStream(f)) {
            NDList l = NDList.decode(ml.manager(), in);
            if (l.size() != 1 || l.get(0).size() != ml.size()) {
                throw new IllegalArgumentException("'" + f + "' holds " + (l.isEmpty() ? 0 : l.get(0).size())
                        + " user weights, the model " + ml.size());
            }
            return l.get(0).toType(DataType.FLOAT64, false);
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw e;
            }
            throw new IllegalArgumentException("'" + f + "' is not a user-weights file (" + e.getMessage() + ")");
        }
    }

    private static List<String> coreSamples(Path coreDir) throws IOException {
        Path f = coreDir.resolve("core-samples.sha256");
        if (!Files.isRegularFile(f)) {
            return List.of();
        }
        return Files.readAllLines(f).stream().map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    /**
     * The noise seed of one publication: null (a SecureRandom) unless configured; else the configured
     * seed mixed with the id and the version it derives from, so every version of a lineage draws its own
     * noise while the same request gives the same weights again.
     */
    private Long noiseSeed(String id, ModelHandle from) {
        Long seed = s.noiseSeed();
        return seed == null ? null : seed * 0x9E3779B97F4A7C15L ^ (id + "<-" + from).hashCode();
    }

    private static int[] pick(int[] all, int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = all[rows[i]];
        }
        return out;
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    // ------------------------------------------------------------------ locks and the log

    /** The per-id lock, held for one request; a second request waits and says so. */
    private final class Held implements AutoCloseable {
        private final ReentrantLock lock;

        Held(ReentrantLock lock) {
            this.lock = lock;
        }

        @Override
        public void close() {
            lock.unlock();
        }
    }

    private Held hold(String id, Progress progress) {
        ReentrantLock l = LOCKS.computeIfAbsent(store.root().toAbsolutePath().normalize() + "/" + id, k -> new ReentrantLock());
        if (!l.tryLock()) {
            progress.report("waiting for another request on " + id, 0, -1);
            LOG.info(() -> "a request on " + id + " waits for the one before it");
            while (true) {
                try {
                    if (l.tryLock(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CancelledException("interrupted while waiting for another request on " + id);
                }
                progress.checkCancelled();
            }
        }
        return new Held(l);
    }

    private static Builder entry(String request, String kind, String event, String requester, ModelHandle in,
            ModelHandle out, List<Integer> samples, List<String> digests, String reason) {
        return new Builder(new AuditLog.Entry(Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(), request, kind, event,
                requester, in == null ? null : in.toString(), out == null ? null : out.toString(), samples, digests, null,
                null, null, null, null, null, null, reason, null));
    }

    /** Fills an entry's optional parts. */
    private record Builder(AuditLog.Entry e) {
        Builder readouts(Map<String, Double> r) {
            return new Builder(new AuditLog.Entry(e.time(), e.request(), e.kind(), e.event(), e.requester(), e.model(),
                    e.output(), e.samples(), e.digests(), e.sigma(), e.lambda(), e.cgIterations(), e.residual(), e.bound(),
                    e.runningBound(), new LinkedHashMap<>(r), e.reason(), null));
        }

        Builder noise(MixedSettings s) {
            return new Builder(new AuditLog.Entry(e.time(), e.request(), e.kind(), e.event(), e.requester(), e.model(),
                    e.output(), e.samples(), e.digests(), s.sigma(), s.lambda(), e.cgIterations(), e.residual(), e.bound(),
                    e.runningBound(), e.readouts(), e.reason(), null));
        }

        Builder certificate(Double iterations, Double residual, double bound, double running) {
            return new Builder(new AuditLog.Entry(e.time(), e.request(), e.kind(), e.event(), e.requester(), e.model(),
                    e.output(), e.samples(), e.digests(), e.sigma(), e.lambda(),
                    iterations == null ? null : iterations.intValue(), residual, bound, running, e.readouts(), e.reason(), null));
        }
    }

    private void log(String id, Builder b) {
        try {
            audit.append(id, b.e());
        } catch (IOException e) {
            throw new UncheckedIOException("the audit log " + audit.file(id) + " cannot be written: " + e.getMessage()
                    + " (nothing was done)", e);
        }
    }

    /** Logs a request's failed outcome and returns the exception to throw. */
    private RuntimeException outcome(String id, String request, String kind, String requester, ModelHandle model, Exception e) {
        String event = e instanceof CancelledException ? "cancelled"
                : e instanceof IllegalArgumentException || e instanceof IllegalStateException ? "refused" : "failed";
        try {
            audit.append(id, entry(request, kind, event, requester, model, null, null, null,
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()).e());
        } catch (IOException | RuntimeException logged) {
            e.addSuppressed(logged);
        }
        if (e instanceof RuntimeException re) {
            return re;
        }
        return new UncheckedIOException(e.getMessage(), (IOException) e);
    }
}
