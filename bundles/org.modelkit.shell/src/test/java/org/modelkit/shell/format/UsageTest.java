package org.modelkit.shell.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Usage lines and the {@code _main} fallback, through the real Gogo runtime's method selection. */
class UsageTest {
    /** A command shaped like the method bundles' commands: String options and flags, two arguments. */
    public static class Commands {
        @Descriptor("embed a graph")
        public String embed(
                @Descriptor("coordinates per node") @Parameter(names = {"-d", "--dimensions"}, absentValue = "16") String d,
                @Descriptor("the method") @Parameter(names = {"-m", "--method"}, absentValue = "spectral") String m,
                @Descriptor("directed") @Parameter(names = {"--directed"}, absentValue = "false", presentValue = "true") String directed,
                @Descriptor("edges too") @Parameter(names = {"-e", "--edges"}, absentValue = "false", presentValue = "true") String e,
                @Descriptor("the graph") String graph,
                @Descriptor("the CSV to write") String out) {
            int dims = Args.wholeNumber("-d", d, 1, 4096);
            return m + " " + dims + " " + Args.flag("--directed", directed) + " " + Args.flag("-e", e) + " " + graph + " " + out;
        }

        @Descriptor("translate a sentence")
        public String translate(
                @Descriptor("the task") @Parameter(names = {"-t", "--task"}, absentValue = "ner") String task,
                @Descriptor("the sentence's words") String... words) {
            return task + ": " + String.join(" ", words);
        }

        public Object _main(Object... argv) {
            throw Usage.mismatch(this, argv);
        }
    }

    private ThreadIOImpl tio;
    private CommandSession session;

    @BeforeEach
    void gogo() {
        tio = new ThreadIOImpl();
        tio.start();
        CommandProcessorImpl processor = new CommandProcessorImpl(tio);
        processor.addCommand("t", new Commands(), "embed");
        processor.addCommand("t", new Commands(), "translate");
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()));
    }

    @AfterEach
    void stop() {
        session.close();
        tio.stop();
    }

    private String fails(String line) {
        Exception e = assertThrows(Exception.class, () -> session.execute(line), line);
        assertTrue(!e.getMessage().contains("Cannot coerce"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void everyFittingCallReachesTheCommandNotTheFallback() throws Exception {
        assertEquals("spectral 16 false false g.gml o.csv", session.execute("t:embed g.gml o.csv"));
        assertEquals("wks 8 true true g.gml o.csv", session.execute("t:embed -d 8 -m wks --directed -e g.gml o.csv"));
        assertEquals("spectral 3 false true 12 34", session.execute("t:embed -e --dimensions 3 12 34"));
    }

    @Test
    void aMisfitGetsWhatIsWrongAndTheUsageLine() {
        String usage = "usage: embed [-d DIMENSIONS] [-m METHOD] [--directed] [-e] GRAPH OUT";
        String m = fails("t:embed g.gml");
        assertTrue(m.startsWith("embed: expected 2 arguments, got 1\n" + usage), m);
        assertTrue(fails("t:embed a b c").contains("expected 2 arguments, got 3"));
        assertTrue(fails("t:embed -x 3 a b").startsWith("embed: unknown option -x\n"));
        assertTrue(fails("t:embed a b -d").startsWith("embed: option -d needs a value\n"));
        assertEquals("-d 'NaN': expected a whole number from 1 to 4096", fails("t:embed -d NaN a b"));
        assertEquals("-d 0: out of range from 1 to 4096", fails("t:embed -d 0 a b"));
    }

    @Test
    void aCommandWithAnyNumberOfWordsHasItsHelpAndUsage() throws Exception {
        assertEquals("jer: Tolkien was born", session.execute("t:translate -t jer Tolkien was born"));
        List<java.lang.reflect.Method> ms = Usage.commands(Commands.class, "translate");
        assertEquals(1, ms.size(), "the variable-arity command is listed (only _main is left out)");
        String h = Usage.help("translate", ms.get(0));
        assertTrue(h.startsWith("translate [-t TASK] WORDS...\n  translate a sentence\n"), h);
        assertTrue(h.matches("(?s).*\\n    WORDS\\.\\.\\. +the sentence's words\\n"), h);
        assertTrue(Usage.commands(Commands.class, "_main").isEmpty());
    }

    @Test
    void helpShowsDefaultsAndArgumentNames() throws Exception {
        String h = Usage.help("embed", Commands.class.getMethod("embed", String.class, String.class, String.class,
                String.class, String.class, String.class));
        assertTrue(h.contains("-d, --dimensions DIMENSIONS  coordinates per node (default 16)"), h);
        assertTrue(h.contains("--directed                   directed\n"), h);
        assertTrue(h.contains("GRAPH                        the graph\n"), h);
    }

    @Test
    void numbersAreCheckedWithTheOptionNamed() {
        assertEquals(0.05, Args.number("-l", "0.05", 0, 1, true));
        assertEquals("-l '1e': not a number (expected a number > 0 and ≤ 1)",
                assertThrows(IllegalArgumentException.class, () -> Args.number("-l", "1e", 0, 1, true)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Args.number("-l", "0", 0, 1, true));
        assertEquals("--lr 'abc': not a number (expected a number > 0)", assertThrows(IllegalArgumentException.class,
                () -> Args.number("--lr", "abc", 0, Double.MAX_VALUE, true)).getMessage(), "no upper bound to name");
        assertThrows(IllegalArgumentException.class, () -> Args.number("-l", "NaN", 0, 1, false));
        assertEquals("--steps 0: out of range ≥ 1",
                assertThrows(IllegalArgumentException.class, () -> Args.wholeNumber("--steps", "0", 1, Integer.MAX_VALUE)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Args.wholeNumber("-n", "99999999999", 1, Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> Args.flag("-e", "yes"));
    }
}
