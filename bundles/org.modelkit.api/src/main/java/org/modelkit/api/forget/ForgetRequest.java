package org.modelkit.api.forget;

import java.util.Arrays;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.model.ModelHandle;

/**
 * One forgetting request against a forgettable model in the model store.
 *
 * @param model     the model to forget from (its current version)
 * @param training  the user samples the model was trained on, in the same order (null with {@code all})
 * @param forget    indices into {@code training} of the samples to forget (empty with {@code all})
 * @param all       forget every user sample: the result is the core model's behaviour
 * @param requester who asked, as free text for the audit log (never null; may be empty)
 * @param purge     also delete the previous version's files at once (it stays listed as purged)
 */
public record ForgetRequest(ModelHandle model, LabelledSet training, int[] forget, boolean all, String requester,
        boolean purge) {
    /** @throws IllegalArgumentException if the model is missing, or a selection is missing or given with all */
    public ForgetRequest {
        if (model == null) {
            throw new IllegalArgumentException("a forget request needs a model");
        }
        if (!all && (training == null || forget == null)) {
            throw new IllegalArgumentException("a forget request needs the training samples and the indices to forget");
        }
        forget = forget == null ? new int[0] : forget.clone();
        requester = requester == null ? "" : requester;
    }

    /**
     * @param model    the model
     * @param training the samples it was trained on
     * @param forget   indices to forget
     * @return a request by nobody in particular, keeping the previous version's files
     */
    public static ForgetRequest of(ModelHandle model, LabelledSet training, int[] forget) {
        return new ForgetRequest(model, training, forget, false, "", false);
    }

    /**
     * @param model the model
     * @return a request to forget every user sample
     */
    public static ForgetRequest everything(ModelHandle model) {
        return new ForgetRequest(model, null, null, true, "", false);
    }

    /** @return the indices to forget (a copy) */
    @Override
    public int[] forget() {
        return forget.clone();
    }

    /**
     * @param who the requester's text
     * @return this request, by them
     */
    public ForgetRequest by(String who) {
        return new ForgetRequest(model, training, forget, all, who, purge);
    }

    /**
     * @param p whether to purge the previous version
     * @return this request, purging or not
     */
    public ForgetRequest purging(boolean p) {
        return new ForgetRequest(model, training, forget, all, requester, p);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ForgetRequest r && model.equals(r.model) && java.util.Objects.equals(training, r.training)
                && Arrays.equals(forget, r.forget) && all == r.all && requester.equals(r.requester) && purge == r.purge;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(model, training, Arrays.hashCode(forget), all, requester, purge);
    }

    @Override
    public String toString() {
        return "ForgetRequest[" + model + (all ? ", all" : ", " + forget.length + " samples") + (requester.isEmpty() ? ""
                : ", by " + requester) + (purge ? ", purge" : "") + "]";
    }
}
