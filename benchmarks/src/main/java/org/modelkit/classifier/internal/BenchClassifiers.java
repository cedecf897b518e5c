package org.modelkit.classifier.internal;

import org.modelkit.api.classify.Classifier;
import org.modelkit.compute.api.ComputeBackend;

/** The "classify" method without OSGi, bound to a backend by hand, for benchmarks. */
public final class BenchClassifiers {
    private BenchClassifiers() {
    }

    /**
     * @param backend the backend it runs on
     * @return the classifier
     */
    public static Classifier on(ComputeBackend backend) {
        ModelClassifier c = new ModelClassifier("bench");
        c.bindBackend(backend);
        return c;
    }
}
