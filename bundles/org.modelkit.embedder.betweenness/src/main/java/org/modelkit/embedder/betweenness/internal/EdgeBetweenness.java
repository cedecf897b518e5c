package org.modelkit.embedder.betweenness.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.modelkit.api.progress.CancelledException;
import org.modelkit.api.progress.Progress;

/**
 * Edge betweenness centrality by Brandes' algorithm (2001, 2008), normalised like networkx: for an
 * undirected graph, the number of shortest paths between unordered node pairs that pass through the
 * edge (split evenly among equal shortest paths), divided by {@code n(n-1)/2}.
 *
 * <p>Written here rather than taken from JGraphT because it is several times faster: a breadth-first
 * search (or Dijkstra with an indexed binary heap for weighted graphs) per source over flat CSR
 * arrays; predecessors are found again from the distances (unweighted) or kept in a flat array
 * (weighted), so nothing is allocated per source; sources are spread over a fixed set of worker
 * threads in chunks, each with its own workspace and edge accumulator, summed at the end.
 *
 * <p>Weighted shortest paths compare distances with a tolerance, as igraph does
 * ({@code igraph_cmp_epsilon} with {@code IGRAPH_SHORTEST_PATH_EPSILON} = 1e-10): two path lengths
 * a and b are equal when {@code |a - b| / (|a + 1| + |b + 1|) < 1e-10}. The "+ 1" is igraph's: it
 * keeps each distance plus one (0 marks "unreached") and compares those, so the tolerance is relative
 * for long paths and about 2e-10 absolute for paths much shorter than 1; the distances here are kept
 * the same way, so the sums round as igraph's do. Comparing with a purely relative tolerance instead
 * gave 9,034 of pgp-strong-2009's 197,150 edges other values than igraph's (its weights run from 6e-10
 * to 1e-2, so many path lengths differ by less than 2e-10 but more than 1e-10 of their length).
 * Comparing exactly, as networkx and JGraphT do, is right only for integer weights: with decimal
 * weights 0.1 + 0.2 and 0.3 differ after rounding, so one of two equally short paths is dropped and
 * dozens of edges of a real weighted graph come out wrong by up to 29%.
 */
public final class EdgeBetweenness {
    private static final int CHUNK = 8;

    /** Tolerance under which two weighted path lengths (plus one) are equal (igraph's). */
    static final double EPSILON = 1e-10;
    /** Below this many sources x (nodes + arcs) the sources run on the calling thread alone. */
    static final long SERIAL_WORK = 200_000;

    /**
     * @param values     normalised betweenness per edge, in the edge order of the prepared graph
     * @param sources    how many source nodes were expanded
     * @param exact      whether every node was a source
     * @param errorBound for a sampled estimate, the half-width ε such that every edge's estimate is
     *                   within ε of the exact normalised value with probability at least 95%
     *                   (Hoeffding's inequality per edge, union bound over edges); 0 when exact
     */
    public record Result(double[] values, int sources, boolean exact, double errorBound) {
    }

    private EdgeBetweenness() {
    }

    /** Exact betweenness: every node is a source. */
    static Result exact(SimpleGraph g, boolean weighted, int threads, Progress progress) {
        int[] sources = new int[g.n];
        for (int i = 0; i < g.n; i++) {
            sources[i] = i;
        }
        double[] acc = run(g, weighted, sources, threads, progress);
        double scale = g.n < 2 ? 0 : 1.0 / ((double) g.n * (g.n - 1));
        for (int e = 0; e < acc.length; e++) {
            acc[e] *= scale; // each unordered pair was counted from both ends: sum/2 / (n(n-1)/2)
        }
        return new Result(acc, g.n, true, 0);
    }

    /**
     * Estimate from {@code samples} distinct sources drawn uniformly with the given seed. The estimate
     * of an edge is the mean over sampled sources s of {@code δ_s(e)/(n-1)}, each term in [0, 1], whose
     * mean over all sources is the exact value; hence the Hoeffding bound in {@link Result#errorBound}.
     */
    static Result sampled(SimpleGraph g, boolean weighted, int samples, long seed, int threads, Progress progress) {
        if (samples >= g.n) {
            return exact(g, weighted, threads, progress);
        }
        int[] sources = sampleSources(g.n, samples, seed);
        return sampledResult(g, run(g, weighted, sources, threads, progress), samples);
    }

    /** @return {@code samples} distinct nodes of n drawn uniformly with the seed (a partial Fisher-Yates shuffle) */
    static int[] sampleSources(int n, int samples, long seed) {
        if (samples < 1) {
            throw new IllegalArgumentException("betweenness.samples = " + samples + " must be at least 1");
        }
        samples = Math.min(samples, n);
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        Random rnd = new Random(seed);
        for (int i = 0; i < samples; i++) {
            int j = i + rnd.nextInt(n - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return java.util.Arrays.copyOf(perm, samples);
    }

    /** @return the estimate from the sum over {@code samples} sources, scaled in place, and its error bound */
    static Result sampledResult(SimpleGraph g, double[] acc, int samples) {
        double scale = 1.0 / ((double) samples * (g.n - 1));
        for (int e = 0; e < acc.length; e++) {
            acc[e] *= scale;
        }
        double eps = Math.sqrt(Math.log(2.0 * g.m / 0.05) / (2.0 * samples));
        return new Result(acc, samples, false, eps);
    }

    /** Sum over the given sources of the dependency δ_s(e) of every edge. */
    static double[] run(SimpleGraph g, boolean weighted, int[] sources, int threads, Progress progress) {
        int workers = Math.max(1, Math.min(threads, (sources.length + CHUNK - 1) / CHUNK));
        if ((long) sources.length * (g.n + 2L * g.m) < SERIAL_WORK) {
            workers = 1; // starting a thread costs more than it saves (polbooks: 1.2 ms on two threads, 0.7 ms on one)
        }
        AtomicInteger next = new AtomicInteger();
        AtomicLong done = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<double[]> accs = new ArrayList<>();
        List<Thread> pool = new ArrayList<>();
        Runnable[] tasks = new Runnable[workers];
        for (int t = 0; t < workers; t++) {
            double[] acc = new double[g.m];
            accs.add(acc);
            Workspace ws = new Workspace(g, weighted);
            tasks[t] = () -> {
                try {
                    int start;
                    while (failure.get() == null && (start = next.getAndAdd(CHUNK)) < sources.length) {
                        int end = Math.min(sources.length, start + CHUNK);
                        for (int i = start; i < end; i++) {
                            if (weighted) {
                                ws.dijkstra(sources[i], acc);
                            } else {
                                ws.bfs(sources[i], acc);
                            }
                        }
                        long d = done.addAndGet(end - start);
                        progress.report("betweenness sources", d, sources.length);
                        if (progress.isCancelled()) {
                            throw new CancelledException("edge betweenness cancelled after " + d + " of "
                                    + sources.length + " sources");
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            };
        }
        // the calling thread works too; the others are started for this call and joined before returning
        for (int t = 1; t < workers; t++) {
            Thread th = new Thread(tasks[t], "modelkit-betweenness-" + t);
            th.setDaemon(true);
            pool.add(th);
            th.start();
        }
        tasks[0].run();
        for (Thread th : pool) {
            try {
                th.join();
            } catch (InterruptedException e) {
                failure.compareAndSet(null, new CancelledException("interrupted while computing edge betweenness"));
                Thread.currentThread().interrupt();
            }
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error er) {
            throw er;
        }
        double[] total = accs.get(0);
        for (int t = 1; t < accs.size(); t++) {
            double[] a = accs.get(t);
            for (int e = 0; e < total.length; e++) {
                total[e] += a[e];
            }
        }
        return total;
    }

    /**
     * Compares two path lengths with {@link #EPSILON} relative tolerance: 0 when equal within it,
     * otherwise the sign of a - b. Infinities equal themselves; near zero the absolute difference is
     * compared with EPSILON times the smallest normal double, as igraph does.
     */
    static int compare(double a, double b) {
        if (a == b) {
            return 0;
        }
        double diff = a - b;
        double abs = Math.abs(diff);
        double sum = Math.abs(a) + Math.abs(b);
        boolean equal;
        if (a == 0 || b == 0 || sum < Double.MIN_NORMAL) {
            equal = abs < EPSILON * Double.MIN_NORMAL;
        } else if (!Double.isFinite(sum)) {
            equal = abs < EPSILON * Math.abs(a) + EPSILON * Math.abs(b);
        } else {
            equal = abs / sum < EPSILON;
        }
        return equal ? 0 : diff < 0 ? -1 : 1;
    }

    /** Per-thread arrays, reset after each source only where the search touched them. */
    private static final class Workspace {
        final SimpleGraph g;
        final int[] order;
        final double[] sigma;
        final double[] delta;
        final int[] dist;
        // weighted only
        final double[] wdist;
        final int[] heap;
        final int[] pos;
        final int[] predCount;
        final int[] predNode;
        final int[] predEdge;

        Workspace(SimpleGraph g, boolean weighted) {
            this.g = g;
            order = new int[g.n];
            sigma = new double[g.n];
            delta = new double[g.n];
            dist = new int[g.n];
            java.util.Arrays.fill(dist, -1);
            if (weighted) {
                wdist = new double[g.n];
                java.util.Arrays.fill(wdist, Double.POSITIVE_INFINITY);
                heap = new int[g.n];
                pos = new int[g.n];
                java.util.Arrays.fill(pos, -1);
                predCount = new int[g.n];
                predNode = new int[2 * g.m];
                predEdge = new int[2 * g.m];
            } else {
                wdist = null;
                heap = null;
                pos = null;
                predCount = null;
                predNode = null;
                predEdge = null;
            }
        }

        void bfs(int s, double[] acc) {
            final int[] off = g.off;
            final int[] adj = g.adj;
            final int[] arcEdge = g.arcEdge;
            int head = 0;
            int tail = 0;
            order[tail++] = s;
            dist[s] = 0;
            sigma[s] = 1;
            while (head < tail) {
                int v = order[head++];
                int dv = dist[v] + 1;
                double sv = sigma[v];
                for (int a = off[v], end = off[v + 1]; a < end; a++) {
                    int w = adj[a];
                    int dw = dist[w];
                    if (dw < 0) {
                        dist[w] = dv;
                        order[tail++] = w;
                        sigma[w] = sv;
                    } else if (dw == dv) {
                        sigma[w] += sv;
                    }
                }
            }
            for (int i = tail - 1; i > 0; i--) {
                int w = order[i];
                int dp = dist[w] - 1;
                double coef = (1.0 + delta[w]) / sigma[w];
                for (int a = off[w], end = off[w + 1]; a < end; a++) {
                    int v = adj[a];
                    if (dist[v] == dp) {
                        double c = sigma[v] * coef;
                        acc[arcEdge[a]] += c;
                        delta[v] += c;
                    }
                }
            }
            for (int i = 0; i < tail; i++) {
                int v = order[i];
                dist[v] = -1;
                sigma[v] = 0;
                delta[v] = 0;
            }
        }

        void dijkstra(int s, double[] acc) {
            final int[] off = g.off;
            final int[] adj = g.adj;
            final int[] arcEdge = g.arcEdge;
            final double[] weight = g.weight;
            int settled = 0;
            int size = 0;
            wdist[s] = 1; // distance plus one, as igraph keeps it (see the class comment)
            sigma[s] = 1;
            heap[size] = s;
            pos[s] = size++;
            while (size > 0) {
                int v = heap[0];
                size = pop(size);
                order[settled++] = v;
                dist[v] = 1; // marks v as settled
                double dv = wdist[v];
                for (int a = off[v], end = off[v + 1]; a < end; a++) {
                    int w = adj[a];
                    if (dist[w] >= 0) {
                        continue;
                    }
                    int e = arcEdge[a];
                    double d = dv + weight[e];
                    double dw = wdist[w];
                    int c = compare(d, dw);
                    if (c < 0) {
                        wdist[w] = d;
                        sigma[w] = sigma[v];
                        predCount[w] = 1;
                        predNode[off[w]] = v;
                        predEdge[off[w]] = e;
                        if (pos[w] < 0) {
                            heap[size] = w;
                            pos[w] = size++;
                        }
                        up(pos[w]);
                    } else if (c == 0) {
                        sigma[w] += sigma[v];
                        int k = off[w] + predCount[w]++;
                        predNode[k] = v;
                        predEdge[k] = e;
                    }
                }
            }
            for (int i = settled - 1; i > 0; i--) {
                int w = order[i];
                double coef = (1.0 + delta[w]) / sigma[w];
                for (int k = off[w], end = off[w] + predCount[w]; k < end; k++) {
                    int v = predNode[k];
                    double c = sigma[v] * coef;
                    acc[predEdge[k]] += c;
                    delta[v] += c;
                }
            }
            for (int i = 0; i < settled; i++) {
                int v = order[i];
                dist[v] = -1;
                wdist[v] = Double.POSITIVE_INFINITY;
                sigma[v] = 0;
                delta[v] = 0;
                predCount[v] = 0;
                pos[v] = -1;
            }
        }

        private int pop(int size) {
            int last = heap[--size];
            pos[heap[0]] = -1;
            if (size > 0) {
                heap[0] = last;
                pos[last] = 0;
                down(0, size);
            }
            return size;
        }

        private void up(int i) {
            int x = heap[i];
            double dx = wdist[x];
            while (i > 0) {
                int p = (i - 1) >>> 1;
                int y = heap[p];
                if (wdist[y] <= dx) {
                    break;
                }
                heap[i] = y;
                pos[y] = i;
                i = p;
            }
            heap[i] = x;
            pos[x] = i;
        }

        private void down(int i, int size) {
            int x = heap[i];
            double dx = wdist[x];
            while (true) {
                int c = 2 * i + 1;
                if (c >= size) {
                    break;
                }
                if (c + 1 < size && wdist[heap[c + 1]] < wdist[heap[c]]) {
                    c++;
                }
                if (wdist[heap[c]] >= dx) {
                    break;
                }
                heap[i] = heap[c];
                pos[heap[i]] = i;
                i = c;
            }
            heap[i] = x;
            pos[x] = i;
        }
    }
}
