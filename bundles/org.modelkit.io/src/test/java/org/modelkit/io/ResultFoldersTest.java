package org.modelkit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultFoldersTest {
    @TempDir
    Path tmp;

    private Path publish(Path target, String a, String b) throws IOException {
        Path staged = ResultFolders.stage(target);
        Files.writeString(staged.resolve("a.params"), a);
        Files.writeString(staged.resolve("b.json"), b);
        ResultFolders.publish(staged, target);
        return target;
    }

    private long siblings() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".")).count();
        }
    }

    @Test
    void aResultReplacesTheEarlierOneAsAWholeAndLeavesNothingBehind() throws IOException {
        Path out = publish(tmp.resolve("run"), "first a", "first b");
        ResultFolders.verify(out);
        publish(out, "second a", "second b");
        ResultFolders.verify(out);
        assertEquals("second a", Files.readString(out.resolve("a.params")));
        assertEquals("second b", Files.readString(out.resolve("b.json")));
        assertEquals(0, siblings(), "temporary folders left beside the result");
    }

    @Test
    void aPublicationKilledBetweenItsTwoRenamesIsPutBackByTheNextReader() throws IOException {
        // the state a SIGKILL between publish's renames leaves: the earlier result aside as .run.old-*, the target absent
        Path out = publish(tmp.resolve("run"), "first a", "first b");
        Path aside = tmp.resolve(".run.old-x");
        Files.move(out, aside);
        ResultFolders.verify(out);
        assertEquals("first a", Files.readString(out.resolve("a.params")), "the earlier result is back");
        // ... and with the new result staged whole (its manifest written), the new one is put in place
        Path staged = ResultFolders.stage(out);
        Files.writeString(staged.resolve("a.params"), "second a");
        Files.writeString(staged.resolve("b.json"), "second b");
        Files.writeString(staged.resolve(ResultFolders.MANIFEST), ResultFolders.manifest(staged));
        Files.move(out, aside);
        assertTrue(ResultFolders.recover(out));
        assertEquals("second a", Files.readString(out.resolve("a.params")), "the complete new result is put in place");
        ResultFolders.verify(out);
        // a staged folder without its manifest is not a result: nothing to put back beyond the aside one
        Path partial = ResultFolders.stage(tmp.resolve("other"));
        Files.writeString(partial.resolve("a.txt"), "half");
        assertFalse(ResultFolders.recover(tmp.resolve("other")));
        assertFalse(Files.exists(tmp.resolve("other")));
    }

    @Test
    void aManifestThatNamesAFileOutsideTheFolderIsRefused() throws IOException {
        Path out = publish(tmp.resolve("run"), "a", "b");
        Files.writeString(tmp.resolve("secret.txt"), "s");
        String digest = ResultFolders.manifest(tmp).lines().filter(l -> l.endsWith("secret.txt")).findFirst().orElseThrow()
                .substring(0, 64);
        Files.writeString(out.resolve(ResultFolders.MANIFEST), digest + "  ../secret.txt\n", java.nio.file.StandardOpenOption.APPEND);
        FormatException e = assertThrows(FormatException.class, () -> ResultFolders.verify(out));
        assertTrue(e.getMessage().contains("names '../secret.txt', not a file of the folder"), e.getMessage());
    }

    @Test
    void aMixedFolderIsRefusedNamingTheFileThatDoesNotBelong() throws IOException {
        Path first = publish(tmp.resolve("one"), "one a", "one b");
        Path second = publish(tmp.resolve("two"), "two a", "two b");
        // what a kill during an in-place rewrite used to leave: a new file beside the old ones
        Files.copy(second.resolve("a.params"), first.resolve("a.params"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        FormatException mixed = assertThrows(FormatException.class, () -> ResultFolders.verify(first));
        assertTrue(mixed.getMessage().contains("a.params") && mixed.getMessage().contains("does not belong"),
                mixed.getMessage());
        Files.writeString(second.resolve("extra.png"), "x");
        FormatException added = assertThrows(FormatException.class, () -> ResultFolders.verify(second));
        assertTrue(added.getMessage().contains("extra.png"), added.getMessage());
        Files.delete(second.resolve("extra.png"));
        Files.delete(second.resolve("b.json"));
        FormatException missing = assertThrows(FormatException.class, () -> ResultFolders.verify(second));
        assertTrue(missing.getMessage().contains("b.json") && missing.getMessage().contains("missing"), missing.getMessage());
        Path bare = Files.createDirectory(tmp.resolve("bare"));
        assertTrue(assertThrows(FormatException.class, () -> ResultFolders.verify(bare)).getMessage()
                .contains("no manifest.sha256"));
    }

    @Test
    void aCrashedPublishLeavesTheEarlierResultIntactAndIsCleanedByTheNext() throws IOException {
        Path out = publish(tmp.resolve("run"), "good a", "good b");
        Path staged = ResultFolders.stage(out); // a run killed while building its result
        Files.writeString(staged.resolve("a.params"), "half");
        ResultFolders.verify(out);
        assertEquals("good a", Files.readString(out.resolve("a.params")));
        publish(out, "next a", "next b");
        assertEquals(0, siblings(), "the crashed run's staging folder was not cleaned");
    }

    @Test
    void theTargetIsCheckedBeforeAnyWork() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertEquals("--out 'file' exists and is not a directory", assertThrows(IllegalArgumentException.class,
                () -> ResultFolders.checkTarget(file, "--out 'file'")).getMessage());
        IllegalArgumentException under = assertThrows(IllegalArgumentException.class,
                () -> ResultFolders.checkTarget(file.resolve("sub"), "--out 'file/sub'"));
        assertTrue(under.getMessage().contains("is not a directory"), under.getMessage());
        ResultFolders.checkTarget(tmp.resolve("new/deeper"), "--out");
        assertFalse(Files.exists(tmp.resolve("new")), "checking created something");
    }

    @Test
    void writeKeepsTheEarlierResultWhenWritingFailsAndLeavesNoStagingFolder() throws IOException {
        Path out = tmp.resolve("run");
        ResultFolders.write(out, d -> {
            Files.writeString(d.resolve("a.params"), "first a");
            Files.writeString(d.resolve("b.json"), "first b");
        });
        ResultFolders.verify(out);
        IOException e = assertThrows(IOException.class, () -> ResultFolders.write(out, d -> {
            Files.writeString(d.resolve("a.params"), "second a");
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertThrows(IllegalStateException.class, () -> ResultFolders.write(out, d -> {
            throw new IllegalStateException("cancelled");
        }));
        ResultFolders.verify(out);
        assertEquals("first a", Files.readString(out.resolve("a.params")));
        assertEquals(0, siblings(), "a staging folder was left beside the result");
    }
}
