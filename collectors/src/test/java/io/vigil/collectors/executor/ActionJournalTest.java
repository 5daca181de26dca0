package io.vigil.collectors.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.collectors.LoggedLines;
import io.vigil.collectors.ManualClock;
import io.vigil.events.ActionOutcome;
import io.vigil.events.ActionResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActionJournalTest {
    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(ExecutorFixtures.NOW);

    private static ActionResult succeeded(String id) {
        return new ActionResult(id, ActionOutcome.SUCCEEDED, Optional.of(0), "done\nin two lines", 1.5);
    }

    @Test
    void whatWasStartedAndFinishedSurvivesARestart() throws Exception {
        try (ActionJournal journal = ActionJournal.open(dir, clock)) {
            journal.started("a1");
            journal.finished(succeeded("a1"));
            journal.started("a2");
        }
        try (ActionJournal reopened = ActionJournal.open(dir, clock)) {
            assertEquals(
                    Optional.of(succeeded("a1")),
                    reopened.lookup("a1").orElseThrow().result());
            assertEquals(Optional.empty(), reopened.lookup("a2").orElseThrow().result(), "started, never finished");
            assertEquals(Optional.empty(), reopened.lookup("a3"));
        }
    }

    @Test
    void aLineTornWhenTheAgentDiedIsSkippedAndTheRestKept() throws Exception {
        try (ActionJournal journal = ActionJournal.open(dir, clock)) {
            journal.started("a1");
            journal.finished(succeeded("a1"));
        }
        Files.writeString(
                dir.resolve(ActionJournal.FILE), "F 17649", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (ActionJournal reopened = ActionJournal.open(dir, clock)) {
            assertEquals(
                    Optional.of(succeeded("a1")),
                    reopened.lookup("a1").orElseThrow().result());
            reopened.started("a2");
        }
        try (ActionJournal again = ActionJournal.open(dir, clock)) {
            assertTrue(again.lookup("a2").isPresent(), "appends after a torn line are read back");
        }
    }

    @Test
    void aSecondAgentCannotOpenAJournalInUse() throws Exception {
        try (ActionJournal journal = ActionJournal.open(dir, clock)) {
            journal.started("a1");
            IOException refused = assertThrows(IOException.class, () -> ActionJournal.open(dir, clock));
            assertTrue(
                    refused.getMessage().contains("in use by another agent")
                            && refused.getMessage().contains(dir.toString()),
                    refused.getMessage());
            journal.finished(succeeded("a1"));
        }
        try (ActionJournal reopened = ActionJournal.open(dir, clock)) {
            assertEquals(
                    Optional.of(succeeded("a1")),
                    reopened.lookup("a1").orElseThrow().result(),
                    "free again once closed");
        }
    }

    @Test
    void aClosedJournalRecordsNothingMore() throws Exception {
        ActionJournal journal = ActionJournal.open(dir, clock);
        journal.close();
        IOException refused = assertThrows(IOException.class, () -> journal.started("a1"));
        assertTrue(refused.getMessage().contains("is closed"), refused.getMessage());
        try (ActionJournal reopened = ActionJournal.open(dir, clock)) {
            assertEquals(Optional.empty(), reopened.lookup("a1"));
        }
    }

    @Test
    void aCompactionThatFailsLeavesTheJournalOpenAndWhole() throws Exception {
        Path inTheWay = dir.resolve(ActionJournal.FILE + ".tmp").resolve("in-the-way");
        try (ActionJournal journal = ActionJournal.open(dir, clock, Duration.ofDays(7), 2);
                LoggedLines lines = LoggedLines.of(ActionJournal.class)) {
            // the temporary file cannot be made: a directory stands in its way, from the fifth line on (when it
            // compacts)
            Files.createDirectories(inTheWay);
            for (String id : List.of("a1", "a2", "a3")) {
                journal.started(id);
                journal.finished(succeeded(id));
            }
            assertTrue(
                    lines.lines().stream().anyMatch(l -> l.contains("could not be rewritten smaller")),
                    lines.lines().toString());
            Files.delete(inTheWay);
            Files.delete(inTheWay.getParent());
            journal.started("a4");
            journal.finished(succeeded("a4"));
        }
        assertTrue(
                Files.readAllLines(dir.resolve(ActionJournal.FILE)).size() <= 2 * 2 + 2, "compacted once it could be");
        try (ActionJournal reopened = ActionJournal.open(dir, clock, Duration.ofDays(7), 2)) {
            assertEquals(
                    Optional.of(succeeded("a3")),
                    reopened.lookup("a3").orElseThrow().result());
            assertEquals(
                    Optional.of(succeeded("a4")),
                    reopened.lookup("a4").orElseThrow().result());
        }
    }

    @Test
    void idsOlderThanTheHorizonAreForgotten() throws Exception {
        try (ActionJournal journal = ActionJournal.open(dir, clock, Duration.ofDays(7), 100)) {
            journal.started("old");
            clock.advance(Duration.ofDays(6));
            journal.started("recent");
            clock.advance(Duration.ofDays(2));
            journal.started("new");
            assertEquals(Optional.empty(), journal.lookup("old"));
            assertTrue(journal.lookup("recent").isPresent());
        }
    }

    @Test
    void beyondItsLimitTheOldestIdsAreForgottenAndTheFileStaysSmall() throws Exception {
        try (ActionJournal journal = ActionJournal.open(dir, clock, Duration.ofDays(7), 10)) {
            for (int i = 0; i < 100; i++) {
                journal.started("a" + i);
                journal.finished(succeeded("a" + i));
            }
            assertEquals(10, journal.size());
            assertEquals(Optional.empty(), journal.lookup("a89"));
            assertTrue(journal.lookup("a90").isPresent());
        }
        long lines = Files.readAllLines(dir.resolve(ActionJournal.FILE)).size();
        assertTrue(lines <= 2 * 10 + 2, "compacted: " + lines + " lines");
        try (ActionJournal reopened = ActionJournal.open(dir, clock, Duration.ofDays(7), 10)) {
            assertEquals(10, reopened.size());
            assertEquals(
                    Optional.of(succeeded("a99")),
                    reopened.lookup("a99").orElseThrow().result());
        }
    }
}
