package org.modelkit.translator.tanl.format;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jgrapht.Graph;
import org.jgrapht.alg.connectivity.ConnectivityInspector;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.SimpleGraph;

/**
 * Coreference resolution: the first mention of a chain is written {@code [ m ]}, each later one
 * {@code [ m | text of the previous mention ]}. Documents are cut into overlapping chunks; each chunk's links are
 * moved back to document positions and the chains are the connected components of all links.
 */
public final class Coreference {
    private Coreference() {
    }

    /**
     * A mention and the earlier mention it refers to.
     *
     * @param mention the mention, as an untyped span
     * @param parent  the mention it names, or null for the first of a chain
     */
    public record Link(Span mention, Span parent) {
    }

    /**
     * @param tokens the chunk's words
     * @param chains each chain's mentions in order (untyped spans)
     * @return the output
     */
    public static String encode(List<String> tokens, List<List<Span>> chains) {
        List<Augmentation> a = new ArrayList<>();
        for (List<Span> chain : chains) {
            Span previous = null;
            for (Span m : chain) {
                List<List<String>> tags = previous == null ? List.of()
                        : List.of(List.of(RelationClassification.words(tokens, previous)));
                a.add(new Augmentation(tags, m.start(), m.end()));
                previous = m;
            }
        }
        return AugmentedLanguage.augment(tokens, a).text();
    }

    /**
     * @param tokens the chunk's words
     * @param output the output
     * @return each mention with the latest earlier mention whose text its tag names (null if none), in order of closing
     */
    public static List<Link> decode(List<String> tokens, String output) {
        List<Link> out = new ArrayList<>();
        Map<String, Span> byText = new HashMap<>();
        for (ParsedEntity e : AugmentedLanguage.parse(tokens, output).entities()) {
            Span s = new Span("", e.start(), e.end());
            Span parent = e.tags().isEmpty() ? null : byText.get(e.tags().get(0).get(0));
            out.add(new Link(s, parent));
            byText.put(e.name(), s);
        }
        return out;
    }

    /**
     * A chunk of a document.
     *
     * @param offset the document position of its first word
     * @param tokens its words
     */
    public record Chunk(int offset, List<String> tokens) {
    }

    /**
     * @param tokens  the document's words
     * @param size    words per chunk (128 in the paper)
     * @param overlap words shared by consecutive chunks (64), below size
     * @return chunks starting every {@code size − overlap} words, the last reaching the end
     */
    public static List<Chunk> chunks(List<String> tokens, int size, int overlap) {
        if (size < 1 || overlap < 0 || overlap >= size) {
            throw new IllegalArgumentException("chunk size " + size + " and overlap " + overlap + " must satisfy 0 <= overlap"
                    + " < size");
        }
        List<Chunk> out = new ArrayList<>();
        for (int pos = 0; pos < tokens.size(); pos += size - overlap) {
            out.add(new Chunk(pos, List.copyOf(tokens.subList(pos, Math.min(tokens.size(), pos + size)))));
            if (pos + size >= tokens.size()) {
                break;
            }
        }
        return out;
    }

    /**
     * Merges the chunks' links into document chains: the connected components of all links (mentions without a
     * parent are left out, as in the reference); within a component, sorted by start (longer first), a mention that
     * overlaps the previous kept one is dropped.
     *
     * @param chunks the chunks, each with its links in chunk positions
     * @return the chains, each sorted, ordered by their first mention
     */
    public static List<List<Span>> merge(Map<Chunk, List<Link>> chunks) {
        Graph<Span, DefaultEdge> g = new SimpleGraph<>(DefaultEdge.class);
        for (Map.Entry<Chunk, List<Link>> c : chunks.entrySet()) {
            int o = c.getKey().offset();
            for (Link l : c.getValue()) {
                if (l.parent() == null) {
                    continue;
                }
                Span a = new Span("", l.mention().start() + o, l.mention().end() + o);
                Span b = new Span("", l.parent().start() + o, l.parent().end() + o);
                g.addVertex(a);
                g.addVertex(b);
                if (!a.equals(b)) {
                    g.addEdge(a, b);
                }
            }
        }
        List<List<Span>> out = new ArrayList<>();
        for (java.util.Set<Span> component : new ConnectivityInspector<>(g).connectedSets()) {
            List<Span> sorted = new ArrayList<>(component);
            sorted.sort(Comparator.naturalOrder());
            List<Span> kept = new ArrayList<>();
            for (Span s : sorted) {
                if (kept.isEmpty() || s.start() >= kept.get(kept.size() - 1).end()) {
                    kept.add(s);
                }
            }
            out.add(kept);
        }
        out.sort(Comparator.comparing(l -> l.get(0)));
        return out;
    }
}
