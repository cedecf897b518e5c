package org.modelkit.normalizer.eman.internal;

import org.modelkit.compute.api.normalizer.Normalizer;
import org.osgi.service.component.annotations.Component;

/** "eman": the teacher always in inference mode, every state entry averaged from the student (arXiv:2101.08482). */
@Component(service = Normalizer.class, property = Normalizer.NAME_PROPERTY + "=eman")
public class EmanNormalizer extends EmaNormalizer {
    /** The EMAN teacher. */
    public EmanNormalizer() {
        super("eman", false);
    }
}
