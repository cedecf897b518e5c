package org.modelkit.forgetter.mixedprivacy.internal;

import java.util.List;

/**
 * {@code mixedprivacy.json}: what makes a stored version forgettable and self-contained. Beside it are
 * the core files (model.json, parameters.params) and {@code user.params} (w_u + noise, float64).
 *
 * @param schema           format version, 1
 * @param core             the core model's handle ({@code id@version})
 * @param coreDigest       that version's digest at training time
 * @param linearizedLayers k
 * @param parameters       the linearized parameters' names, the order of w_u
 * @param parameterCount   P
 * @param alpha            α
 * @param lambda           λ
 * @param sigma            σ of the noise in user.params
 * @param userSamples      how many samples the user file held at training
 * @param retained         id (row of the user file) and SHA-256 of every sample still learnt from
 * @param forgotten        ids forgotten so far, in request order
 * @param coreSamples      SHA-256 of every core sample (from the core's core-samples.sha256), which are never forgotten
 * @param lastBound        the bound of the request that made this version, in nats
 * @param runningBound     the sum of the bounds of every request so far, in nats
 */
record MixedFile(int schema, String core, String coreDigest, int linearizedLayers, List<String> parameters,
        long parameterCount, double alpha, double lambda, double sigma, int userSamples, List<Sample> retained,
        List<Integer> forgotten, List<String> coreSamples, double lastBound, double runningBound) {
    static final String NAME = "mixedprivacy.json";
    static final String USER = "user.params";

    /** One user sample: its row in the user file and the SHA-256 of its label and features. */
    record Sample(int id, String sha256) {
    }

    /** @throws IllegalArgumentException if a part is missing */
    MixedFile {
        if (schema != 1 || core == null || parameters == null || retained == null || forgotten == null
                || coreSamples == null) {
            throw new IllegalArgumentException("schema 1 with core, parameters, retained, forgotten and coreSamples");
        }
        parameters = List.copyOf(parameters);
        retained = List.copyOf(retained);
        forgotten = List.copyOf(forgotten);
        coreSamples = List.copyOf(coreSamples);
    }
}
