package org.modelkit.api.method;

/** What a method needs from a compute backend. A method that needs none is pure Java. */
public enum Capability {
    /** Runs a forward pass of a network (ONNX Runtime or DJL). */
    INFERENCE,
    /** Computes gradients (DJL/PyTorch). */
    AUTOGRAD,
    /** Needs a GPU to be practical. */
    GPU
}
