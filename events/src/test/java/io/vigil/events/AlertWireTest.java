package io.vigil.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AlertWireTest {
    private static final Instant T = Instant.parse("2026-11-24T21:03:07.412Z");
    private static final Map<String, String> LABELS = Map.of(
            "alertname",
            "DrbdLocalDiskLost",
            "cluster",
            "pair-1",
            "node",
            "node-a",
            "resource",
            "r0",
            "severity",
            "critical");

    static Alert firing() {
        return new Alert(
                1,
                AlertLabels.fingerprint(LABELS),
                "DrbdLocalDiskLost",
                AlertState.FIRING,
                2,
                AlertChange.STATE,
                LABELS,
                Map.of("summary", "node-a lost the disk under r0"),
                T,
                Optional.of(T),
                Optional.empty(),
                T.plusSeconds(240),
                T,
                false,
                true,
                List.of(),
                List.of(),
                Optional.of(new EventRef("pair-1", "node-a", 8812, T)));
    }

    @Test
    void anAlertRoundTrips() throws Exception {
        Alert alert = firing();
        assertEquals(alert, WireCodec.decode(WireCodec.encode(alert), Alert.class));
        String json = new String(WireCodec.encode(alert), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"state\":\"firing\""), json);
        assertTrue(
                json.contains(
                        "\"labels\":{\"alertname\":\"DrbdLocalDiskLost\",\"cluster\":\"pair-1\",\"node\":\"node-a\""),
                "labels are written sorted by name: " + json);
    }

    @Test
    void theFingerprintDependsOnTheLabelsOnlyAndNotOnTheirOrder() {
        Map<String, String> reversed = new LinkedHashMap<>();
        List.of("severity", "resource", "node", "cluster", "alertname").forEach(k -> reversed.put(k, LABELS.get(k)));
        assertEquals(AlertLabels.fingerprint(LABELS), AlertLabels.fingerprint(reversed));
        assertEquals(16, AlertLabels.fingerprint(LABELS).length());
        Map<String, String> otherNode = new LinkedHashMap<>(LABELS);
        otherNode.put("node", "node-b");
        assertNotEquals(AlertLabels.fingerprint(LABELS), AlertLabels.fingerprint(otherNode));
        // a name and value are kept apart by the separator: {a="bc"} is not {ab="c"}
        assertNotEquals(AlertLabels.fingerprint(Map.of("a", "bc")), AlertLabels.fingerprint(Map.of("ab", "c")));
        // the empty label set hashes to FNV-1a's offset basis, as in Prometheus
        assertEquals("cbf29ce484222325", AlertLabels.fingerprint(Map.of()));
    }

    @Test
    void aRecordWhoseFingerprintIsNotItsLabelsIsRefused() {
        String json = new String(WireCodec.encode(firing()), StandardCharsets.UTF_8)
                .replace(AlertLabels.fingerprint(LABELS), "0000000000000000");
        DecodeException e = assertThrows(
                DecodeException.class, () -> WireCodec.decode(json.getBytes(StandardCharsets.UTF_8), Alert.class));
        assertTrue(
                e.getMessage().startsWith("fingerprint: '0000000000000000' is not the fingerprint of the labels"),
                e.getMessage());
    }

    @Test
    void aMissingOrIllTypedFieldIsNamed() {
        String json = new String(WireCodec.encode(firing()), StandardCharsets.UTF_8);
        DecodeException missing = assertThrows(
                DecodeException.class,
                () -> WireCodec.decode(
                        json.replace("\"state\":\"firing\",", "").getBytes(StandardCharsets.UTF_8), Alert.class));
        assertEquals("state", missing.field());
        DecodeException illTyped = assertThrows(
                DecodeException.class,
                () -> WireCodec.decode(
                        json.replace("\"version\":2", "\"version\":\"two\"").getBytes(StandardCharsets.UTF_8),
                        Alert.class));
        assertEquals("version", illTyped.field());
        DecodeException badLabel = assertThrows(
                DecodeException.class,
                () -> WireCodec.decode(
                        json.replace("\"resource\":\"r0\"", "\"re-source\":\"r0\"")
                                .getBytes(StandardCharsets.UTF_8),
                        Alert.class));
        assertTrue(badLabel.getMessage().contains("'re-source' is not a label name"), badLabel.getMessage());
        assertThrows(
                DecodeException.class, () -> WireCodec.decode("[1]".getBytes(StandardCharsets.UTF_8), Alert.class));
    }

    @Test
    void unknownFieldsAreIgnored() throws Exception {
        String json = new String(WireCodec.encode(firing()), StandardCharsets.UTF_8)
                .replaceFirst("\\{", "{\"futureField\":[1,2],");
        assertEquals(firing(), WireCodec.decode(json.getBytes(StandardCharsets.UTF_8), Alert.class));
    }

    @Test
    void matchersReadAlertmanagersNotation() {
        assertEquals(new LabelMatcher("node", MatchOp.EQUAL, "node-a"), LabelMatcher.parse("node=node-a"));
        assertEquals(new LabelMatcher("node", MatchOp.EQUAL, "node-a"), LabelMatcher.parse(" node = \"node-a\" "));
        assertEquals(
                new LabelMatcher("severity", MatchOp.REGEX, "warning|critical"),
                LabelMatcher.parse("severity=~\"warning|critical\""));
        assertEquals(new LabelMatcher("resource", MatchOp.NOT_EQUAL, "r9"), LabelMatcher.parse("resource!=r9"));
        assertEquals(new LabelMatcher("vm", MatchOp.NOT_REGEX, "test-.*"), LabelMatcher.parse("vm!~test-.*"));
        assertEquals(new LabelMatcher("team", MatchOp.EQUAL, ""), LabelMatcher.parse("team=\"\""));
        assertEquals(
                new LabelMatcher("summary", MatchOp.EQUAL, "say \"hi\""),
                LabelMatcher.parse("summary=\"say \\\"hi\\\"\""));
        LabelMatcher quoted = LabelMatcher.parse("summary=\"say \\\"hi\\\"\"");
        assertEquals(quoted, LabelMatcher.parse(quoted.toString()), "toString reads back");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> LabelMatcher.parse("node"));
        assertTrue(bad.getMessage().contains("is not a matcher"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LabelMatcher.parse("9node=a"));
        assertThrows(IllegalArgumentException.class, () -> LabelMatcher.parse("node=\"unterminated"));
    }

    @Test
    void aSilenceRoundTripsAndRefusesWhatWouldMakeItMeaningless() throws Exception {
        Silence window = new Silence(
                "6f1a",
                List.of(LabelMatcher.parse("cluster=pair-1")),
                T,
                T.plusSeconds(86_400 * 365),
                "ops@example.org",
                "weekly backup window",
                Optional.of(new Recurrence(
                        Set.of(Weekday.SUNDAY), LocalTime.of(2, 0), LocalTime.of(4, 0), "Europe/Berlin")),
                T);
        assertEquals(window, WireCodec.decode(WireCodec.encode(window), Silence.class));
        String json = new String(WireCodec.encode(window), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"weekdays\":[\"sunday\"]"), json);
        assertTrue(json.contains("{\"name\":\"cluster\",\"op\":\"=\",\"value\":\"pair-1\"}"), json);
        IllegalArgumentException noMatchers = assertThrows(
                IllegalArgumentException.class,
                () -> new Silence("x", List.of(), T, T.plusSeconds(60), "me", "why", Optional.empty(), T));
        assertTrue(noMatchers.getMessage().startsWith("matchers:"), noMatchers.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new Silence(
                        "x",
                        List.of(LabelMatcher.parse("a=b")),
                        T,
                        T.minusSeconds(1),
                        "me",
                        "why",
                        Optional.empty(),
                        T));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Silence(
                        "x", List.of(LabelMatcher.parse("a=b")), T, T.plusSeconds(1), " ", "why", Optional.empty(), T));
        IllegalArgumentException zone = assertThrows(
                IllegalArgumentException.class,
                () -> new Recurrence(Set.of(Weekday.MONDAY), LocalTime.of(1, 0), LocalTime.of(2, 0), "Mars/Olympus"));
        assertTrue(zone.getMessage().startsWith("timeZone: 'Mars/Olympus' is not a time zone"), zone.getMessage());
        DecodeException badDay = assertThrows(
                DecodeException.class,
                () -> WireCodec.decode(
                        json.replace("\"sunday\"", "\"caturday\"").getBytes(StandardCharsets.UTF_8), Silence.class));
        assertTrue(badDay.getMessage().contains("caturday"), badDay.getMessage());
    }
}
