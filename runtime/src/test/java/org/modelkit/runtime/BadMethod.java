package org.modelkit.runtime;

/** What a method bundle must not do (ArchitectureTest checks that its rule catches it). */
final class BadMethod {
    Object engine() {
        return ai.djl.engine.Engine.getEngine("PyTorch");
    }
}
