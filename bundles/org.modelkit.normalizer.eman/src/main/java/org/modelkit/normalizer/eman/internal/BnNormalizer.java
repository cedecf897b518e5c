package org.modelkit.normalizer.eman.internal;

import org.modelkit.compute.api.normalizer.Normalizer;
import org.osgi.service.component.annotations.Component;

/** "bn": the conventional EMA teacher, learnable parameters averaged, normalising with batch statistics. */
@Component(service = Normalizer.class, property = Normalizer.NAME_PROPERTY + "=bn")
public class BnNormalizer extends EmaNormalizer {
    /** The conventional teacher. */
    public BnNormalizer() {
        super("bn", true);
    }
}
