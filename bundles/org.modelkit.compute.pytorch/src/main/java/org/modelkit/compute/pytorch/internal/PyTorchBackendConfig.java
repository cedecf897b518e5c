package org.modelkit.compute.pytorch.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** One PyTorch backend (factory PID {@code org.modelkit.compute.pytorch}); underscores become dots. */
@ObjectClassDefinition(name = "Modelkit PyTorch backend", description = "A ComputeBackend on DJL's PyTorch engine")
@interface PyTorchBackendConfig {
    @AttributeDefinition(name = "Backend id", description = "unique id, e.g. pytorch-cpu")
    String backend_id() default "pytorch-cpu";

    @AttributeDefinition(name = "Device", description = "cpu, or gpu:N for CUDA device N")
    String device() default "cpu";

    @AttributeDefinition(name = "Fallback", description = "if the configured device cannot be used: fail (the "
            + "backend reports itself unavailable) or cpu (it runs on the CPU and says so)",
            options = {@Option(value = "fail"), @Option(value = "cpu")})
    String fallback() default "fail";
}
