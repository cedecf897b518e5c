package org.modelkit.api.translate;

import java.util.Set;
import org.modelkit.api.method.Method;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Structured prediction as translation: the model writes the input sentence again in an augmented
 * natural language that marks entities and relations inline, and the output is decoded from it.
 */
@ProviderType
public interface StructuredTranslator extends Method {
    /** @return the tasks this translator was trained for, for example "conll04" */
    Set<String> tasks();

    /**
     * @param task     one of {@link #tasks()}
     * @param sentence the input text, not blank
     * @return the augmented output and the entities and relations decoded from it
     * @throws IllegalArgumentException if the task is unknown or the sentence is blank
     */
    StructuredOutput translate(String task, String sentence);

    /**
     * Translates and decodes everything the task writes: besides entities and relations, the belief state of
     * dialogue state tracking, the label of relation classification or intent detection, coreference chains, and
     * the errors found reading the output.
     *
     * @param task  one of {@link #tasks()}
     * @param input the input text, not blank; for tasks whose input carries marks (relation classification, SRL,
     *              the argument stage of events) the input as the task writes it
     * @return the decoded output
     * @throws IllegalArgumentException if the task is unknown or the input is blank or too long
     * @since 1.1
     */
    Translation translateDetailed(String task, String input);
}
