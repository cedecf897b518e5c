package org.modelkit.translator.tanl.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.modelkit.translator.tanl.format.Schema;
import org.modelkit.translator.tanl.format.Span;
import org.modelkit.translator.tanl.format.SpanRelation;
import org.modelkit.translator.tanl.format.WordTokenizer;

/**
 * A CoNLL04-like corpus with exact gold: sentences from 61 templates (paraphrase, negation, distractor entities) over
 * real names, CoNLL04's types (Peop, Loc, Org, Other) and relations (Live_In, Work_For, OrgBased_In, Located_In,
 * Kill). Persons and places are WordNet 3.0's instances ({@code scripts/make_tanl_names.py}, committed under
 * {@code testdata/tanl} and packed into the bundle); Located_In holds only for WordNet's own part-of pairs
 * (Tokyo in Japan); organisations and awards are made from surnames and places. A fifth of the names and the last 10
 * templates are held out: {@link Split#TEST} draws only them, {@link Split#UNSEEN_TEMPLATES} held-out names in held-out
 * templates.
 */
final class Conll04Like {
    /** Which names and templates a sentence draws from. */
    enum Split {
        /** Training names, the 51 training templates. */
        TRAIN,
        /** Held-out names, the training templates. */
        TEST,
        /** Held-out names, the 10 held-out templates. */
        UNSEEN_TEMPLATES
    }

    /** Held-out templates, at the end of {@link #TEMPLATES}. */
    static final int HELD_OUT_TEMPLATES = 10;

    /**
     * Each template: the sentence with slots {P1} {P2} (persons), {L1} {L2} (places; with a Located_In relation, a
     * real pair), {O1} {O2} (organisations), {X1} (an award), then after " :: " its relations.
     */
    static final List<String> TEMPLATES = List.of(
            "{P1} , who lives in {L1} , works for {O1} . :: Live_In P1 L1, Work_For P1 O1",
            "{P1} was born in {L1} and later joined {O1} . :: Live_In P1 L1, Work_For P1 O1",
            "{O1} , based in {L1} , hired {P1} last year . :: OrgBased_In O1 L1, Work_For P1 O1",
            "{L1} is a city in {L2} . :: Located_In L1 L2",
            "{P1} killed {P2} in {L1} . :: Kill P1 P2",
            "{P1} , a resident of {L1} , received the {X1} . :: Live_In P1 L1",
            "The {X1} went to {P1} of {O1} . :: Work_For P1 O1",
            "{P1} never lived in {L1} . ::",
            "{P1} met {P2} at a meeting of {O1} in {L1} . :: OrgBased_In O1 L1",
            "{O1} opened a new office in {L1} , {L2} . :: OrgBased_In O1 L1, Located_In L1 L2",
            "{P1} , spokesman for {O1} , said the talks would continue . :: Work_For P1 O1",
            "{P1} was assassinated by {P2} . :: Kill P2 P1",
            "Officials in {L1} said {P1} had left {O1} . ::",
            "{P1} grew up in {L1} , a town in {L2} . :: Live_In P1 L1, Located_In L1 L2",
            "{O1} is headquartered in {L1} . :: OrgBased_In O1 L1",
            "{P1} , the director of {O1} , lives in {L1} . :: Work_For P1 O1, Live_In P1 L1",
            "According to {O1} , {P1} shot {P2} near {L1} . :: Kill P1 P2",
            "{P1} visited {L1} but did not meet {P2} . ::",
            "{P1} moved from {L1} to {L2} in the spring . :: Live_In P1 L2",
            "The {L1} branch of {O1} employs {P1} . :: OrgBased_In O1 L1, Work_For P1 O1",
            "{P1} , an economist at {O1} , won the {X1} . :: Work_For P1 O1",
            "In {L1} , {L2} , thousands gathered to hear {P1} . :: Located_In L1 L2",
            "{P1} denied that {O1} would leave {L1} . ::",
            "{P2} was killed by {P1} , police in {L1} said . :: Kill P1 P2",
            "{O1} of {L1} announced that {P1} would join its board . :: OrgBased_In O1 L1, Work_For P1 O1",
            "{P1} has lived in {L1} for twenty years . :: Live_In P1 L1",
            "{P1} and {P2} both work for {O1} . :: Work_For P1 O1, Work_For P2 O1",
            "{L1} , in northern {L2} , was hit by a storm . :: Located_In L1 L2",
            "{P1} was honoured with the {X1} in {L1} . ::",
            "{O1} , a company from {L1} , sued {O2} . :: OrgBased_In O1 L1",
            "{P1} , a native of {L1} , ran {O1} until last year . :: Live_In P1 L1, Work_For P1 O1",
            "{P1} said {P2} murdered his brother . ::",
            "{P1} , who murdered {P2} , was arrested in {L1} . :: Kill P1 P2",
            "A report by {O1} praised {P1} and {P2} . ::",
            "{P1} works as a lawyer for {O1} in {L1} . :: Work_For P1 O1, OrgBased_In O1 L1",
            "{O1} and {O2} signed an agreement in {L1} . ::",
            "{P1} spent his childhood in {L1} . :: Live_In P1 L1",
            "{L1} lies in the south of {L2} . :: Located_In L1 L2",
            "{P1} , a professor at {O1} , was awarded the {X1} . :: Work_For P1 O1",
            "Police said {P1} did not kill {P2} . ::",
            "{P1} , who grew up in {L1} , now teaches at {O1} . :: Live_In P1 L1, Work_For P1 O1",
            "{O1} moved its headquarters to {L1} . :: OrgBased_In O1 L1",
            "{P1} travelled from {L1} to {L2} with {P2} . ::",
            "{P1} , the founder of {O1} , died in {L1} . :: Work_For P1 O1",
            "The mayor of {L1} , {P1} , met officials from {O1} . :: Live_In P1 L1",
            "{P1} executed {P2} in {L1} in 1921 . :: Kill P1 P2",
            "Residents of {L1} , {L2} , welcomed the {X1} winner {P1} . :: Located_In L1 L2",
            "{O1} , the {L1} firm , denied the report . :: OrgBased_In O1 L1",
            "{P1} left {O1} to join {O2} . :: Work_For P1 O2",
            "{P1} , of {L1} , said the {X1} was a surprise . :: Live_In P1 L1",
            // the paper's running example (Tolkien was born in South Africa and worked for Oxford University)
            "{P1} was born in {L1} and worked for {O1} . :: Live_In P1 L1, Work_For P1 O1",
            // held out
            "{P1} , an engineer employed by {O1} , makes his home in {L1} . :: Work_For P1 O1, Live_In P1 L1",
            "Troops loyal to {P1} took {L1} , a port in {L2} . :: Located_In L1 L2",
            "{O1} , whose offices are in {L1} , praised {P1} . :: OrgBased_In O1 L1",
            "It was {P1} who shot {P2} , witnesses said . :: Kill P1 P2",
            "{P1} has been living in {L1} since the war . :: Live_In P1 L1",
            "{P1} joined the staff of {O1} after the {X1} . :: Work_For P1 O1",
            "{L1} , one of the largest cities of {L2} , voted . :: Located_In L1 L2",
            "{P1} did not work for {O1} . ::",
            "Both {P1} and {P2} were seen in {L1} . ::",
            "{O1} will keep its base in {L1} , said {P1} . :: OrgBased_In O1 L1");

    private static final Pattern SLOT = Pattern.compile("\\{([PLOX])([12])\\}");

    private final List<String> persons;
    private final List<String> places;
    private final List<String[]> locatedIn;
    private final Map<String, List<String>> partsOf = new HashMap<>();

    private Conll04Like(List<String> persons, List<String> places, List<String[]> locatedIn) {
        this.persons = persons;
        this.places = places;
        this.locatedIn = locatedIn;
        for (String[] p : locatedIn) {
            partsOf.computeIfAbsent(p[0], k -> new ArrayList<>()).add(p[1]);
        }
    }

    /** @return the generator over the bundle's name lists */
    static Conll04Like load() {
        List<String> persons = lines("tanl/persons.txt");
        List<String> places = lines("tanl/locations.txt");
        List<String[]> pairs = new ArrayList<>();
        for (String l : lines("tanl/located-in.tsv")) {
            pairs.add(l.split("\t"));
        }
        return new Conll04Like(persons, places, pairs);
    }

    private static List<String> lines(String resource) {
        try (InputStream in = Conll04Like.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the bundle lacks its resource " + resource);
            }
            List<String> out = new ArrayList<>();
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!l.isBlank()) {
                    out.add(l.strip());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return whether a name is held out: a fixed fifth of the names, by a hash of the name */
    static boolean heldOut(String name) {
        return Math.floorMod(name.hashCode() * 0x9E3779B9, 5) == 0;
    }

    private List<String> names(List<String> all, boolean test) {
        List<String> out = new ArrayList<>();
        for (String n : all) {
            if (heldOut(n) == test) {
                out.add(n);
            }
        }
        return out;
    }

    /**
     * @param n     sentences
     * @param split which names and templates
     * @param seed  the generator's seed
     * @return n sentences with exact entities and relations
     */
    List<Example> generate(int n, Split split, long seed) {
        Random r = new Random(seed);
        boolean test = split != Split.TRAIN;
        List<String> people = names(persons, test);
        List<String> towns = names(places, test);
        List<String[]> pairs = new ArrayList<>();
        for (String[] p : locatedIn) {
            if (heldOut(p[0]) == test && heldOut(p[1]) == test) {
                pairs.add(p);
            }
        }
        int from = split == Split.UNSEEN_TEMPLATES ? TEMPLATES.size() - HELD_OUT_TEMPLATES : 0;
        int to = split == Split.UNSEEN_TEMPLATES ? TEMPLATES.size() : TEMPLATES.size() - HELD_OUT_TEMPLATES;
        List<Example> out = new ArrayList<>(n);
        while (out.size() < n) {
            String t = TEMPLATES.get(from + r.nextInt(to - from));
            out.add(fill(t, r, people, towns, pairs));
        }
        return out;
    }

    private static String surname(String person) {
        String[] w = person.split(" ");
        return w[w.length - 1];
    }

    private String organisation(Random r, List<String> people, List<String> towns) {
        String s = surname(people.get(r.nextInt(people.size())));
        String p = towns.get(r.nextInt(towns.size()));
        return switch (r.nextInt(9)) {
            case 0 -> s + " Industries";
            case 1 -> s + " Group";
            case 2 -> s + " Foundation";
            case 3 -> p + " University";
            case 4 -> "University of " + p;
            case 5 -> "Bank of " + p;
            case 6 -> p + " Times";
            case 7 -> s + " Motors";
            default -> s + " and Partners";
        };
    }

    private Example fill(String template, Random r, List<String> people, List<String> towns, List<String[]> pairs) {
        int at = template.indexOf("::");
        String text = template.substring(0, at).strip();
        String rels = template.substring(at + 2).strip();
        Map<String, String> values = new LinkedHashMap<>();
        boolean located = rels.contains("Located_In");
        if (located) {
            String[] pair = pairs.get(r.nextInt(pairs.size()));
            values.put("L1", pair[0]);
            values.put("L2", pair[1]);
        }
        Matcher m = SLOT.matcher(text);
        while (m.find()) {
            String key = m.group(1) + m.group(2);
            if (values.containsKey(key)) {
                continue;
            }
            String v;
            do {
                v = switch (m.group(1)) {
                    case "P" -> people.get(r.nextInt(people.size()));
                    case "L" -> towns.get(r.nextInt(towns.size()));
                    case "O" -> organisation(r, people, towns);
                    default -> surname(people.get(r.nextInt(people.size()))) + (r.nextBoolean() ? " Prize" : " Medal");
                };
            } while (values.containsValue(v) || !located && m.group(1).equals("L") && related(values, v));
            values.put(key, v);
        }
        // words, with the span of each slot
        List<String> tokens = new ArrayList<>();
        Map<String, Span> spans = new LinkedHashMap<>();
        int last = 0;
        m = SLOT.matcher(text);
        while (m.find()) {
            tokens.addAll(WordTokenizer.words(WordTokenizer.tokenize(text.substring(last, m.start()))));
            String key = m.group(1) + m.group(2);
            List<String> w = WordTokenizer.words(WordTokenizer.tokenize(values.get(key)));
            String type = switch (m.group(1)) {
                case "P" -> "Peop";
                case "L" -> "Loc";
                case "O" -> "Org";
                default -> "Other";
            };
            spans.put(key, new Span(Schema.CONLL04.entities().get(type), tokens.size(), tokens.size() + w.size()));
            tokens.addAll(w);
            last = m.end();
        }
        tokens.addAll(WordTokenizer.words(WordTokenizer.tokenize(text.substring(last))));
        List<SpanRelation> relations = new ArrayList<>();
        if (!rels.isEmpty()) {
            for (String rel : rels.split(",")) {
                String[] x = rel.strip().split(" ");
                relations.add(new SpanRelation(Schema.CONLL04.relations().get(x[0]), spans.get(x[1]), spans.get(x[2])));
            }
        }
        List<Span> entities = new ArrayList<>(spans.values());
        Collections.sort(entities);
        return new Example(tokens, entities, relations);
    }

    /** @return whether a place is part of one already chosen or the other way round (a true but unstated Located_In) */
    private boolean related(Map<String, String> values, String place) {
        for (String v : values.values()) {
            if (partsOf.getOrDefault(place, List.of()).contains(v) || partsOf.getOrDefault(v, List.of()).contains(place)) {
                return true;
            }
        }
        return false;
    }
}
