package org.modelkit.testkit;

import java.util.List;
import org.modelkit.api.progress.Progress;
import org.modelkit.api.translate.Entity;
import org.modelkit.api.translate.StructuredOutput;
import org.modelkit.api.translate.StructuredTranslator;

/**
 * The contract of a {@link StructuredTranslator} (clauses in {@link MethodContract}; its calls take no progress, so the
 * progress and cancellation clauses are skipped). Input: {@link #task()} and {@link #sentence()}, given by the
 * subclass: a task the configured model knows, and a sentence with at least one entity in it. Bad input: a task the
 * model does not know ("task"; a null task is not tested: a translator may read it as its only task), a null sentence
 * and a blank one ("sentence"). Degenerate: no entity,
 * an entity whose text is not the sentence's text at its offsets, or an augmented output without the sentence's first
 * word.
 */
public abstract class StructuredTranslatorContract extends MethodContract<StructuredTranslator> {
    @Override
    protected final Class<StructuredTranslator> type() {
        return StructuredTranslator.class;
    }

    /** @return a task of the configured model */
    protected abstract String task();

    /** @return a sentence with an entity in it */
    protected abstract String sentence();

    @Override
    protected final boolean takesProgress() {
        return false;
    }

    @Override
    protected Object run(StructuredTranslator method, Progress progress) {
        return method.translate(task(), sentence());
    }

    @Override
    protected List<Object> fingerprint(Object result) {
        StructuredOutput o = (StructuredOutput) result;
        return List.of(o.augmented(), o.entities(), o.relations());
    }

    @Override
    protected String degenerate(Object result) {
        StructuredOutput o = (StructuredOutput) result;
        String s = sentence();
        if (o.entities().isEmpty()) {
            return "no entity found in '" + s + "': " + o.augmented();
        }
        for (Entity e : o.entities()) {
            if (e.end() > s.length() || !s.substring(e.start(), e.end()).equals(e.text())) {
                return "entity " + e + " is not the sentence's text at [" + e.start() + ", " + e.end() + ")";
            }
        }
        String first = s.strip().split("\\s+")[0];
        return o.augmented().contains(first) ? null : "the augmented output '" + o.augmented() + "' lost the word '" + first
                + "'";
    }

    @Override
    protected List<BadInput> badInputs(StructuredTranslator method) {
        String unknown = "no-such-task";
        return List.of(
                new BadInput("task '" + unknown + "'", "task", () -> method.translate(unknown, sentence())),
                new BadInput("a null sentence", "sentence", () -> method.translate(task(), null)),
                new BadInput("a blank sentence", "sentence", () -> method.translate(task(), "  ")));
    }
}
