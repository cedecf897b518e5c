package org.modelkit.compute.onnx.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** One ONNX Runtime backend (factory PID {@code org.modelkit.compute.onnx}); underscores become dots. */
@ObjectClassDefinition(name = "Modelkit ONNX Runtime backend", description = "A ComputeBackend on ONNX Runtime")
@interface OnnxBackendConfig {
    @AttributeDefinition(name = "Backend id", description = "unique id, e.g. onnx-cpu")
    String backend_id() default "onnx-cpu";

    @AttributeDefinition(name = "Execution provider", options = {@Option(value = "cpu"), @Option(value = "cuda")})
    String execution_provider() default "cpu";

    @AttributeDefinition(name = "GPU", description = "CUDA device number (cuda only)", min = "0")
    int gpu() default 0;

    @AttributeDefinition(name = "Intra-op threads", description = "0 = ONNX Runtime's default", min = "0")
    int threads() default 2;

    @AttributeDefinition(name = "Graph optimisation", options = {@Option(value = "none"), @Option(value = "basic"),
        @Option(value = "extended"), @Option(value = "all")})
    String optimization() default "all";

    @AttributeDefinition(name = "Fallback", description = "if the configured device cannot be used: fail (the "
            + "backend reports itself unavailable) or cpu (it runs on the CPU and says so)",
            options = {@Option(value = "fail"), @Option(value = "cpu")})
    String fallback() default "fail";
}
