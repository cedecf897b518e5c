package org.modelkit.itest.exploding;

/**
 * The implementation class of a throw-away bundle that {@code HealthInFrameworkTest} builds and installs: a
 * Declarative Services component whose activation throws, as a broken third-party method's would.
 */
public class Exploding {
    /** Throws, always. */
    public void activate() {
        throw new IllegalStateException("exploded on purpose in activate");
    }
}
