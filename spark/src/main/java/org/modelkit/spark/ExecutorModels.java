package org.modelkit.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.modelkit.api.classify.Classification;
import org.modelkit.api.data.Tensor;
import org.modelkit.classifier.internal.OpenClassifier;
import org.modelkit.compute.api.ComputeBackend;
import org.modelkit.compute.onnx.internal.OnnxBackendProvider;
import org.modelkit.compute.pytorch.LocalBackends;

/**
 * The models of one executor JVM, and the one thread its partitions run on. Each model is loaded by the first task
 * that needs it and kept for every later task and job of that JVM (a model is found again by its path, backend,
 * threads and the path's modification time, so a model replaced in place is loaded again).
 *
 * <p>Tasks of one executor run their partitions one at a time on one thread of the JVM (the lane), with the engine
 * on the executor's cores, which is what one JVM classifying alone does. Measured here on 2 cores (60,000 Fashion-MNIST
 * images, five rounds): with task threads reading and writing while a model thread classified, ONNX Runtime took
 * 1.4-1.8 s against one JVM's 1.0-1.6 s (median ratio 1.43); on the lane 1.5-2.0 s against 1.3-3.1 s (1.09). The
 * reason assumed, not shown: the engines' worker threads spin-wait and lose their cores to the other tasks. PyTorch
 * is unsteady either way (benchmarks in spark/README.md). One thread also keeps TorchScript warm: on each new calling thread a scripted model runs slowly for its first calls (650-830 ms per 2,560 images for
 * the first four calls of 10 batches, 100-250 ms once warm; ONNX Runtime shows no such warm-up), and Spark makes task
 * threads as it needs them. Loads are counted, per JVM.
 */
final class ExecutorModels {
    /** The backends this module can make without OSGi. */
    static final String PYTORCH = "pytorch";
    static final String ONNX = "onnx";

    private static final Map<Key, Model> MODELS = new HashMap<>();
    private static final Map<String, ComputeBackend> BACKENDS = new HashMap<>();
    private static int loads;

    private ExecutorModels() {
    }

    private record Key(String model, String backend, int threads, long modified) {
    }

    /** The lane: one daemon thread (an executor JVM ends when Spark ends it). */
    private static final java.util.concurrent.ExecutorService LANE = java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> {
                Thread t = new Thread(r, "modelkit-lane");
                t.setDaemon(true);
                return t;
            });
    private static volatile Thread laneThread;

    /**
     * Runs a partition's work on the lane, after the partitions of this JVM queued before it.
     *
     * @param work reads, classifies and writes one partition
     * @return what it returns
     * @throws IOException what it throws (a runtime exception as itself)
     */
    static <T> T inLane(java.util.concurrent.Callable<T> work) throws IOException {
        if (Thread.currentThread() == laneThread) {
            try {
                return work.call();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        try {
            return LANE.submit(() -> {
                laneThread = Thread.currentThread();
                return work.call();
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for the lane");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException(c.getMessage(), c);
        }
    }

    /** A model of this JVM. */
    static final class Model {
        private final OpenClassifier open;
        private final boolean loadedNow;

        private Model(OpenClassifier open, boolean loadedNow) {
            this.open = open;
            this.loadedNow = loadedNow;
        }

        /** @return whether this call loaded it (false: it was in the JVM already) */
        boolean loadedNow() {
            return loadedNow;
        }

        /** @return the backend's id */
        String backend() {
            return open.backend();
        }

        /** @return the file that was loaded */
        String file() {
            return open.file().toString();
        }

        /**
         * @param features samples [n, ...]
         * @return their classification, computed on the lane
         * @throws IllegalArgumentException if the samples do not fit the model
         * @throws IOException              if the lane was interrupted
         */
        Classification classify(Tensor features) throws IOException {
            return inLane(() -> open.classify(features, null));
        }

        private void close() {
            open.close();
        }
    }

    /**
     * @param engine  {@value #PYTORCH} or {@value #ONNX}
     * @param threads the engine's threads (0: its default)
     * @return the backend of this JVM for them
     */
    static synchronized ComputeBackend backend(String engine, int threads) {
        return BACKENDS.computeIfAbsent(engine + "/" + threads, k -> switch (engine) {
            case PYTORCH -> {
                // libtorch reads its intra-op threads once, when the engine starts; a value the user set is kept
                if (threads > 0 && System.getProperty("ai.djl.pytorch.num_threads") == null) {
                    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
                }
                yield LocalBackends.pytorchCpu("pytorch-cpu");
            }
            case ONNX -> OnnxBackendProvider.local("onnx-cpu", threads);
            default -> throw new IllegalArgumentException("backend '" + engine + "' must be " + PYTORCH + " or " + ONNX);
        });
    }

    /**
     * The driver's check before any partition runs: the model is opened on the backend and closed again (not kept:
     * on a cluster the driver classifies nothing), unless this JVM holds it open already.
     *
     * @throws IllegalArgumentException if there is no such model or none of its files runs on the backend
     * @throws IOException              if it cannot be read or loaded
     */
    static void check(String model, String engine, int threads) throws IOException {
        synchronized (ExecutorModels.class) {
            if (MODELS.containsKey(key(Path.of(model), engine, threads))) {
                return; // this JVM holds it open already (local mode: the driver is the executor)
            }
        }
        try (OpenClassifier m = OpenClassifier.open(Path.of(model), backend(engine, threads))) {
            m.backend(); // opened: the model loads on this backend
        }
    }

    private static Key key(Path p, String engine, int threads) throws IOException {
        long modified = Files.exists(p) ? Files.getLastModifiedTime(p).toMillis() : -1;
        return new Key(p.toAbsolutePath().normalize().toString(), engine, threads, modified);
    }

    /**
     * @return the JVM's copy of the model, loaded now if it has none
     * @throws IOException if it cannot be loaded
     */
    static synchronized Model get(String model, String engine, int threads) throws IOException {
        Path p = Path.of(model);
        Key key = key(p, engine, threads);
        Model m = MODELS.get(key);
        if (m != null) {
            return new Model(m.open, false);
        }
        OpenClassifier open = OpenClassifier.open(p, backend(engine, threads));
        loads++;
        m = new Model(open, true);
        MODELS.put(key, new Model(open, false));
        System.err.printf(Locale.ROOT, "modelkit classify: loaded %s on %s (load %d of this JVM)%n", open.file(),
                open.backend(), loads);
        return m;
    }

    /** @return how many models this JVM has loaded */
    static synchronized int loads() {
        return loads;
    }

    /** Closes and forgets every model of this JVM (tests start from an empty executor with it). */
    static synchronized void closeAll() {
        MODELS.values().forEach(Model::close);
        MODELS.clear();
    }
}
