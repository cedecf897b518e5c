package org.modelkit.shell.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.modelkit.api.progress.CancelledException;

class FormatTest {
    @Test
    void tablesAlignColumns() {
        TextTable t = new TextTable(List.of("NAME", "N"), List.of(List.of("wks", "34"), Arrays.asList("betweenness", null)));
        assertEquals("NAME         N\nwks          34\nbetweenness  -\n", t.render());
        assertEquals("NAME  N\n(none)\n", new TextTable(List.of("NAME", "N"), List.of()).render());
        assertThrows(IllegalArgumentException.class, () -> new TextTable(List.of("A"), List.of(List.of("1", "2"))));
    }

    @Test
    void summariesAlignNames() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("name", "wks");
        f.put("reference", "baseline");
        assertEquals("wks: Wave kernel\nname:      wks\nreference: baseline\n", new Summary("wks: Wave kernel", f).render());
    }

    @Test
    void progressUpdatesOneLineAndCancels() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress(new PrintStream(b, true, StandardCharsets.UTF_8), 0);
        p.report("sources", 5, 10);
        p.report("sources", 10, 10);
        p.finish();
        String out = b.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("\rsources 5/10 (50%)"), out);
        assertTrue(out.endsWith("\rsources 10/10 (100%)\n"), out);
        p.checkCancelled();
        p.cancel();
        assertThrows(CancelledException.class, p::checkCancelled);
    }

    @Test
    void progressSeesTheOwnerThreadInterruptedFromWorkers() throws Exception {
        java.util.concurrent.CompletableFuture<ConsoleProgress> created = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Thread owner = new Thread(() -> {
            created.complete(new ConsoleProgress(new PrintStream(new ByteArrayOutputStream()), 0));
            while (done.getCount() > 0) {
                Thread.onSpinWait(); // stay alive, keeping the interrupt flag set
            }
        });
        owner.start();
        ConsoleProgress p = created.get();
        assertEquals(false, p.isCancelled());
        owner.interrupt();
        assertTrue(p.isCancelled(), "a worker thread must see the command thread's interrupt");
        done.countDown();
        owner.join();
    }

    @Test
    void progressDrawsEachStateOnceAndPadsOverALongerLine() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress(new PrintStream(b, true, StandardCharsets.UTF_8), 0);
        p.report("betweenness", 100, 100);
        p.report("betweenness", 100, 100); // a stage that reports its end twice
        p.report("epoch", 1, 2);
        p.finish();
        String out = b.toString(StandardCharsets.UTF_8);
        assertEquals("\rbetweenness 100/100 (100%)\repoch 1/2 (50%)" + " ".repeat(11) + "\n", out);
    }

    @Test
    void anInterruptedCommandThreadWritesNothingMoreAndTakesTheInterruptOver() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress(new PrintStream(b, true, StandardCharsets.UTF_8), 0);
        p.report("epoch", 1, 10);
        int before = b.size();
        Thread.currentThread().interrupt(); // what Gogo does on Ctrl-C
        p.report("epoch", 2, 10);
        assertEquals(before, b.size(), "nothing may be written from an interrupted thread (it closes Gogo's channel)");
        assertTrue(!Thread.currentThread().isInterrupted(), "the interrupt is taken over as the cancelled state");
        assertTrue(p.isCancelled());
        assertThrows(CancelledException.class, p::checkCancelled);
        p.finish(); // ends the line, now safe
        assertTrue(b.toString(StandardCharsets.UTF_8).endsWith("\n"));
    }
}
