package org.modelkit.runtime;

/** What a method bundle must not do (ArchitectureTest checks that its rule catches it). */
final class BadMethod {
    Object engine() {
        return ai.djl.engine.Engine.getEngine("PyTorch");
    }
}

/** A scalar operand DJL frees before the backward pass reads it (ArchitectureTest's scalar rule catches it). */
final class BadScalar {
    ai.djl.ndarray.NDArray half(ai.djl.ndarray.NDArray x) {
        return x.mul(0.5f);
    }

    ai.djl.training.loss.Loss loss() {
        return ai.djl.training.loss.Loss.l2Loss();
    }
}
