package org.modelkit.api.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.modelkit.api.model.ModelHandle;

class DescriptorTest {
    @Test
    void descriptorValidatesName() {
        MethodDescriptor d = new MethodDescriptor("wks", "Wave kernel signatures", "baseline", "1.0.0", Set.of());
        assertEquals("wks", d.name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MethodDescriptor("Bad Name", "t", "r", "1", Set.of()));
        assertTrue(e.getMessage().contains("'Bad Name'"));
        assertThrows(IllegalArgumentException.class, () -> new MethodDescriptor("x", " ", "r", "1", Set.of()));
    }

    @Test
    void modelHandlesRefusePathTricks() {
        assertEquals(new ModelHandle("fashion-cnn", "3"), ModelHandle.parse("fashion-cnn@3"));
        assertThrows(IllegalArgumentException.class, () -> new ModelHandle("../etc", "1"));
        assertThrows(IllegalArgumentException.class, () -> new ModelHandle("a/b", "1"));
        assertThrows(IllegalArgumentException.class, () -> ModelHandle.parse("a@b@c"));
    }
}
