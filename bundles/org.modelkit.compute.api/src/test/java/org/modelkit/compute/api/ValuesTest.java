package org.modelkit.compute.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.modelkit.api.method.Capability;
import org.modelkit.api.method.MethodDescriptor;
import org.modelkit.compute.api.linearizer.Projection;
import org.modelkit.compute.api.normalizer.MomentumSchedule;

class ValuesTest {
    @Test
    void statusSaysWhy() {
        assertEquals("available on cpu", BackendStatus.running("cpu").toString());
        assertEquals("unavailable: no CUDA device", BackendStatus.unavailable("gpu:0", "no CUDA device").toString());
        assertEquals("available on cpu (fell back: no CUDA device)", BackendStatus.fellBack("cpu", "no CUDA device").toString());
        assertThrows(IllegalArgumentException.class, () -> BackendStatus.unavailable("gpu:0", " "));
        assertThrows(IllegalArgumentException.class, () -> new BackendStatus(false, "gpu:0", "x", true));
        assertEquals("autograd", Capability.AUTOGRAD.property());
    }

    /** A backend that offers what it is given and computes nothing. */
    record Offers(String id, Set<Capability> capabilities) implements ComputeBackend {
        public String engine() {
            return "none";
        }

        public BackendStatus status() {
            return BackendStatus.running("cpu");
        }

        public Set<ModelFormat> formats() {
            return Set.of();
        }

        public LoadedModel load(Path file, ModelFormat format) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void aBindingChecksWhatTheDescriptorNeeds() {
        BackendBinding<ComputeBackend> b = new BackendBinding<>(new MethodDescriptor("trainer", "t", "baseline", "1",
                Set.of(Capability.AUTOGRAD)));
        IllegalStateException none = assertThrows(IllegalStateException.class, b::require);
        assertEquals("no compute backend is bound to method 'trainer' (it needs autograd); see modelkit:backends",
                none.getMessage());
        ComputeBackend onnx = new Offers("onnx-cpu", Set.of(Capability.INFERENCE));
        b.bind(onnx);
        IllegalStateException lacks = assertThrows(IllegalStateException.class, b::require);
        assertEquals("backend 'onnx-cpu' has no autograd, which method 'trainer' needs; choose one with"
                + " modelkit:backend use ID trainer", lacks.getMessage());
        ComputeBackend torch = new Offers("pytorch-cpu", Set.of(Capability.INFERENCE, Capability.AUTOGRAD));
        b.bind(torch);
        b.unbind(onnx); // DS binds the new one before it unbinds the old: the binding stays on the new one
        assertEquals(torch, b.require());
        b.unbind(torch);
        assertThrows(IllegalStateException.class, b::require);
    }

    @Test
    void byolCosineScheduleRisesFromTheBaseToOne() {
        MomentumSchedule byol = new MomentumSchedule(0.996, true);
        assertEquals(0.996, byol.at(0, 100), 1e-12);
        assertEquals(0.998, byol.at(50, 100), 1e-12);
        assertEquals(1.0, byol.at(100, 100), 1e-12);
        assertEquals(0.999, new MomentumSchedule(0.999, false).at(7, 100), 0);
        assertThrows(IllegalArgumentException.class, () -> byol.at(101, 100));
        assertThrows(IllegalArgumentException.class, () -> new MomentumSchedule(1.5, false));
        assertThrows(IllegalArgumentException.class, () -> new Projection(-1, 0));
    }
}
