package org.modelkit.compute.api;

/** Formats of model files a backend may load. */
public enum ModelFormat {
    /** An ONNX graph ({@code .onnx}). */
    ONNX,
    /** A TorchScript module saved with {@code torch.jit.save} ({@code .pt}). */
    TORCHSCRIPT,
    /** DJL block parameters written by {@code Block.saveParameters} ({@code .params}). */
    DJL_PARAMETERS
}
