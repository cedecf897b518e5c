package org.modelkit.compute.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
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
