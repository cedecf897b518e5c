package org.modelkit.shell.internal;

import org.apache.felix.service.command.Converter;
import org.modelkit.shell.format.Summary;
import org.modelkit.shell.format.TextTable;
import org.osgi.service.component.annotations.Component;

/**
 * Formats command results for Gogo: tables and summaries in full when shown on their own, as one
 * line when they appear inside another value.
 */
@Component(service = Converter.class, property = {
    Converter.CONVERTER_CLASSES + "=org.modelkit.shell.format.TextTable",
    Converter.CONVERTER_CLASSES + "=org.modelkit.shell.format.Summary"
})
public class ResultConverter implements Converter {

    @Override
    public Object convert(Class<?> desiredType, Object in) {
        return null; // nothing is converted into our types from text
    }

    @Override
    public CharSequence format(Object target, int level, Converter escape) {
        if (target instanceof TextTable t) {
            return level == INSPECT ? t.render() : t.rows().size() + " rows of " + t.header();
        }
        if (target instanceof Summary s) {
            return level == INSPECT ? s.render() : s.headline() != null ? s.headline() : s.fields().toString();
        }
        return null;
    }
}
