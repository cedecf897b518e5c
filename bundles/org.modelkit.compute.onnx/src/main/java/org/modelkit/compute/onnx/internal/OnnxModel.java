package org.modelkit.compute.onnx.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.modelkit.api.data.Tensor;
import org.modelkit.compute.api.LoadedModel;

/** An OrtSession: concurrent runs are allowed (ONNX Runtime sessions are thread-safe); close waits for them. */
final class OnnxModel implements LoadedModel {
    private final String backendId;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final List<String> inputs;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    OnnxModel(String backendId, OrtEnvironment env, OrtSession session) {
        this.backendId = backendId;
        this.env = env;
        this.session = session;
        this.inputs = List.copyOf(session.getInputNames());
    }

    @Override
    public String backendId() {
        return backendId;
    }

    @Override
    public List<String> inputNames() {
        return inputs;
    }

    @Override
    public List<Tensor> run(List<Tensor> values) {
        if (values.size() != inputs.size()) {
            throw new IllegalArgumentException("the model takes " + inputs.size() + " inputs " + inputs + ", got "
                    + values.size());
        }
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the model was closed");
            }
            Map<String, OnnxTensor> feed = new LinkedHashMap<>();
            try {
                for (int i = 0; i < values.size(); i++) {
                    Tensor t = values.get(i);
                    long[] shape = new long[t.rank()];
                    for (int d = 0; d < shape.length; d++) {
                        shape[d] = t.dim(d);
                    }
                    // a writable heap buffer: ONNX Runtime copies it in bulk (a read-only view it copies slowly)
                    feed.put(inputs.get(i), OnnxTensor.createTensor(env, FloatBuffer.wrap(t.toArray()), shape));
                }
                try (OrtSession.Result r = session.run(feed)) {
                    List<Tensor> out = new ArrayList<>(r.size());
                    for (Map.Entry<String, OnnxValue> e : r) {
                        if (!(e.getValue() instanceof OnnxTensor ot) || ot.getInfo().type != ai.onnxruntime.OnnxJavaType.FLOAT) {
                            throw new IllegalArgumentException("output '" + e.getKey() + "' is not a float tensor");
                        }
                        TensorInfo ti = ot.getInfo();
                        FloatBuffer fb = ot.getFloatBuffer();
                        float[] data = new float[fb.remaining()];
                        fb.get(data);
                        long[] s = ti.getShape();
                        int[] shape = new int[s.length];
                        for (int d = 0; d < s.length; d++) {
                            shape[d] = Math.toIntExact(s[d]);
                        }
                        out.add(Tensor.of(data, shape));
                    }
                    return out;
                }
            } catch (OrtException e) {
                throw new IllegalArgumentException("ONNX Runtime refused the inputs: " + e.getMessage(), e);
            } finally {
                feed.values().forEach(OnnxTensor::close);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                session.close();
            }
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX session failed: " + e.getMessage(), e);
        } finally {
            lock.writeLock().unlock();
        }
    }
}
