package io.vigil.lab.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import io.vigil.events.Alert;
import io.vigil.events.AlertChange;
import io.vigil.events.AlertLabels;
import io.vigil.events.AlertState;
import io.vigil.lab.sim.FaultOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterScreenTest {
    private static final Instant T0 = Instant.parse("2026-11-25T07:00:00Z");

    @Test
    void wireTextReachesTheScreenWithItsControlCharactersShownNotSent() {
        String hostile = "disk gone\u001b[2J\u001b]0;owned\u0007\nnext line";
        Map<String, String> labels = Map.of("alertname", "DiskGone", "cluster", "pair-1", "node", "node-a", "severity", "critical",
                "device", "/dev/sda\u001b[31m");
        AlertBoard board = new AlertBoard();
        board.accept(new Alert(Alert.VERSION, AlertLabels.fingerprint(labels), "DiskGone", AlertState.FIRING, 1, AlertChange.STATE,
                labels, Map.of("summary", hostile), T0, Optional.of(T0), Optional.empty(), T0.plusSeconds(240), T0, false, false,
                List.of(), List.of(), Optional.empty()));
        PageLog pages = new PageLog();
        pages.add(T0, "[FIRING:1] critical pair-1: " + hostile);
        String screen = ClusterScreen.render(new ClusterPicture(), board, pages, T0.plusSeconds(5));
        assertTrue(screen.indexOf('\u001b') < 0 && screen.indexOf('\u0007') < 0, screen);
        assertTrue(screen.contains("disk gone\\x1b[2J\\x1b]0;owned\\x07\\x0anext line, for 5s"), screen);
        assertTrue(screen.contains("/dev/sda\\x1b[31m"), screen);
        assertTrue(screen.contains("critical pair-1: disk gone\\x1b[2J\\x1b]0;owned\\x07\n             next line"),
                "a notification keeps its lines: " + screen);
    }

    @Test
    void aRefusedFaultIsListedOnTheScreenAndInTheSummaryNotDropped() {
        FaultLog faults = new FaultLog();
        for (int i = 0; i < 6; i++) {
            faults.add(Duration.ofSeconds(i), "link-" + (i % 2 == 0 ? "cut" : "restore"), new FaultOutcome(true, "done " + i));
        }
        faults.add(Duration.ofSeconds(28), "disk-replace node-b /dev/sda", new FaultOutcome(false, "/dev/sda on node-b has not failed; nothing to replace"));
        faults.add(Duration.ofSeconds(29), "host-down node-a\u001b[2J", new FaultOutcome(false, "no host 'node-a\\x1b[2J' in the lab"));

        String screen = ClusterScreen.render(new ClusterPicture(), new AlertBoard(), new PageLog(), faults, T0);
        assertTrue(screen.contains("== faults: 6 applied, 2 refused"), screen);
        assertTrue(screen.contains("at   28s  REFUSED  disk-replace node-b /dev/sda: /dev/sda on node-b has not failed; nothing to replace"), screen);
        assertTrue(screen.contains("REFUSED  host-down node-a\\x1b[2J"), screen);
        assertTrue(screen.contains("applied  link-restore: done 5") && !screen.contains("done 1"), "the last applied ones: " + screen);

        JsonNode summary = LabSummary.of(new ClusterPicture(), new AlertBoard(), new PageLog(), faults, Duration.ofSeconds(30)).get("faults");
        assertEquals(6, summary.get("applied").asInt());
        assertEquals(2, summary.get("refused").asInt());
        JsonNode refused = summary.get("each").get(6);
        assertEquals(28.0, refused.get("atSeconds").asDouble());
        assertEquals("disk-replace node-b /dev/sda", refused.get("fault").asText());
        assertFalse(refused.get("applied").asBoolean());
        assertTrue(refused.get("message").asText().contains("has not failed"));
    }
}
