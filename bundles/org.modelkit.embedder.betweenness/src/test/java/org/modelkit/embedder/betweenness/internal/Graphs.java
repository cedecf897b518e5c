package org.modelkit.embedder.betweenness.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.modelkit.api.data.Graph;
import org.modelkit.io.EdgeList;

/** Test graphs: networkx generators rebuilt, random graphs, and the committed karate club. */
final class Graphs {
    private Graphs() {
    }

    static Path testdata(String relative) {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("testdata"))) {
            p = p.getParent();
        }
        return p.resolve("testdata").resolve(relative);
    }

    /** Zachary's karate club, nodes 0..33, with the two factions as labels. */
    static Graph karate() throws IOException {
        return EdgeList.withLabels(EdgeList.read(testdata("graphs/karate-weighted.edges"), false),
                testdata("graphs/karate-club.labels"));
    }

    static Graph edges(int n, List<int[]> e) {
        int[] s = new int[e.size()];
        int[] t = new int[e.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = e.get(i)[0];
            t[i] = e.get(i)[1];
        }
        return Graph.fromEdges(n, s, t, null, false);
    }

    /** networkx barbell_graph(m1, m2): two m1-cliques joined by a path of m2 nodes. */
    static Graph barbell(int m1, int m2) {
        List<int[]> e = new ArrayList<>();
        for (int i = 0; i < m1; i++) {
            for (int j = i + 1; j < m1; j++) {
                e.add(new int[] {i, j});
                e.add(new int[] {m1 + m2 + i, m1 + m2 + j});
            }
        }
        for (int i = m1 - 1; i < m1 + m2; i++) {
            e.add(new int[] {i, i + 1});
        }
        return edges(2 * m1 + m2, e);
    }

    /**
     * A cycle with "house" motifs attached at evenly spaced nodes (GraphWave's structural-role
     * benchmark). Roles: 0 cycle node, 1 cycle node carrying a house, 2 the house's attached bottom
     * corner, 3 its other bottom corner, 4 the two top corners, 5 the roof.
     */
    static int[] houseRoles(int cycle, int houses, List<int[]> edgesOut) {
        int n = cycle + 5 * houses;
        int[] role = new int[n];
        for (int i = 0; i < cycle; i++) {
            edgesOut.add(new int[] {i, (i + 1) % cycle});
        }
        for (int h = 0; h < houses; h++) {
            int at = h * (cycle / houses);
            int b1 = cycle + 5 * h;
            int b2 = b1 + 1;
            int t1 = b1 + 2;
            int t2 = b1 + 3;
            int roof = b1 + 4;
            int[][] house = {{b1, b2}, {b1, t1}, {b2, t2}, {t1, t2}, {t1, roof}, {t2, roof}, {at, b1}};
            for (int[] e : house) {
                edgesOut.add(e);
            }
            role[at] = 1;
            role[b1] = 2;
            role[b2] = 3;
            role[t1] = 4;
            role[t2] = 4;
            role[roof] = 5;
        }
        return role;
    }

    /** G(n, p) with a spanning path added so it is connected; weights 1..maxWeight if maxWeight > 0. */
    static Graph random(int n, double p, int maxWeight, long seed) {
        Random r = new Random(seed);
        List<int[]> e = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (j == i + 1 || r.nextDouble() < p) {
                    e.add(new int[] {i, j});
                }
            }
        }
        int[] s = new int[e.size()];
        int[] t = new int[e.size()];
        double[] w = maxWeight > 0 ? new double[e.size()] : null;
        for (int i = 0; i < s.length; i++) {
            s[i] = e.get(i)[0];
            t[i] = e.get(i)[1];
            if (w != null) {
                w[i] = 1 + r.nextInt(maxWeight);
            }
        }
        return Graph.fromEdges(n, s, t, w, false);
    }

    /** A planted partition: k blocks of size b, edge probability pin inside, pout across. */
    static Graph blocks(int k, int b, double pin, double pout, long seed) {
        Random r = new Random(seed);
        List<int[]> e = new ArrayList<>();
        int n = k * b;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (r.nextDouble() < (i / b == j / b ? pin : pout) || j == i + 1) {
                    e.add(new int[] {i, j});
                }
            }
        }
        return edges(n, e);
    }
}
