package org.modelkit.itest.hanging;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.modelkit.api.classify.Classification;
import org.modelkit.api.classify.Classifier;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.method.MethodDescriptor;
import org.modelkit.api.progress.CancelledException;
import org.modelkit.api.progress.Progress;

/**
 * The implementation class of a throw-away bundle that {@code IsolationInFrameworkTest} builds and installs: a
 * Classifier "hang" whose calls never return, as a broken third-party method's might, and a Gogo command
 * {@code hang:hang} that calls it with no time limit. With {@code honours.interrupt=true} in its configuration a call
 * stops when interrupted; otherwise it ignores interrupts and spins until the test sets the JVM-wide system property
 * {@value #RELEASE} (so the test leaves no thread behind).
 */
public class Hanging implements Classifier {
    /** the system property that releases every hanging call */
    public static final String RELEASE = "modelkit.itest.hanging.release";
    private volatile boolean honoursInterrupt;

    /** @param properties the component's properties */
    public void activate(Map<String, Object> properties) {
        honoursInterrupt = Boolean.parseBoolean(String.valueOf(properties.get("honours.interrupt")));
    }

    @Override
    public MethodDescriptor descriptor() {
        return new MethodDescriptor("hang", "a classifier that never answers (isolation test)", "baseline", "1.0.0",
                Set.of());
    }

    @Override
    public Classification classify(Path model, Tensor features, Progress progress) {
        while (!Boolean.getBoolean(RELEASE)) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                if (honoursInterrupt) {
                    throw new CancelledException("hang was interrupted");
                }
                // a badly written method swallows it and goes on
            }
        }
        throw new IllegalStateException("released by the test");
    }

    /** The command: the same hang, called directly (no time limit applies). */
    public Object hang() {
        return classify(null, null, Progress.NONE);
    }
}
