package org.modelkit.compute.pytorch.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Native;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NativeSettingsTest {
    private static final NativeSettings.LibC LIBC = Native.load("c", NativeSettings.LibC.class);

    @Test
    void aMissingVariableIsSetInTheProcessEnvironment() {
        String name = "MODELKIT_NATIVE_SETTINGS_TEST_A";
        assertEquals(null, LIBC.getenv(name));
        assertEquals(Map.of(name, "SSE41"), NativeSettings.apply(Map.of(name, "SSE41")));
        assertEquals("SSE41", LIBC.getenv(name), "what a native library reading the C environment sees");
    }

    @Test
    void aValueTheUserSetIsKept() {
        String name = "MODELKIT_NATIVE_SETTINGS_TEST_B";
        LIBC.setenv(name, "AVX2", 1);
        assertEquals(Map.of(name, "AVX2"), NativeSettings.apply(Map.of(name, "SSE41")));
        assertEquals("AVX2", LIBC.getenv(name));
    }

    @Test
    void surefiresOneDnnSettingIsLeftAlone() {
        // the root pom sets ONEDNN_MAX_CPU_ISA for every test JVM (onednn.isa); the engine must not override it
        assertEquals(System.getenv("ONEDNN_MAX_CPU_ISA"), NativeSettings.apply().get("ONEDNN_MAX_CPU_ISA"));
    }
}
