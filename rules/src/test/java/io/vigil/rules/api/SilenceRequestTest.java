package io.vigil.rules.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.events.Silence;
import io.vigil.events.WireCodec;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SilenceRequestTest {
    private static final Instant NOW = Instant.parse("2026-12-01T03:00:00Z");

    private static Silence read(String json) throws Exception {
        return SilenceRequest.read(WireCodec.json().readTree(json), NOW);
    }

    private static String refused(String json) {
        return assertThrows(IllegalArgumentException.class, () -> read(json)).getMessage();
    }

    @Test
    void aSilenceFromTheApisJson() throws Exception {
        Silence s = read(
                "{\"matchers\": [\"node=node-a\", {\"name\": \"device\", \"op\": \"=~\", \"value\": \"/dev/sd.*\"}],"
                        + " \"duration\": \"2h\", \"createdBy\": \"ops\", \"comment\": \"disk swap\"}");
        assertEquals(NOW, s.startsAt());
        assertEquals(NOW.plusSeconds(7200), s.endsAt());
        assertEquals(2, s.matchers().size());
        assertEquals("device=~\"/dev/sd.*\"", s.matchers().get(1).toString());
    }

    @Test
    void whatCannotBeASilenceIsRefusedSayingWhy() {
        assertTrue(refused("{\"duration\": \"1h\", \"createdBy\": \"a\", \"comment\": \"b\"}")
                .startsWith("matchers:"));
        assertTrue(refused("{\"matchers\": [\"a=b\"], \"createdBy\": \"a\", \"comment\": \"b\"}")
                .startsWith("endsAt or duration"));
        assertTrue(refused(
                        "{\"matchers\": [\"a=b\"], \"duration\": \"99999999999w\", \"createdBy\": \"a\", \"comment\": \"b\"}")
                .contains("too long"));
        assertTrue(refused(
                        "{\"matchers\": [\"a=b\"], \"endsAt\": \"2020-01-01T00:00:00Z\", \"createdBy\": \"a\", \"comment\": \"b\"}")
                .contains("is not in the future"));
        assertTrue(
                refused("{\"matchers\": [\"a=b\"], \"duration\": \"400d\", \"createdBy\": \"a\", \"comment\": \"b\"}")
                        .contains("give it a recurrence"));
        assertTrue(refused("{\"matchers\": [\"a=b\"], \"duration\": \"1h\", \"comment\": \"b\"}")
                .startsWith("createdBy"));
        assertTrue(refused("{\"matchers\": [\"a=~(\"], \"duration\": \"1h\", \"createdBy\": \"a\", \"comment\": \"b\"}")
                .contains("is not a regular expression"));
        assertTrue(refused(
                        "{\"matchers\": [\"a=b\"], \"duration\": \"1h\", \"createdBy\": \"a\", \"comment\": \"b\", \"id\": \"../x\"}")
                .startsWith("id:"));
    }

    @Test
    void timesOutsideTheYearsTheWireTakesAreRefusedHereNotIgnoredLater() {
        // the engine refuses such a time when it reads the silence back: it must not be accepted first
        assertEquals(
                "startsAt: '0001-01-01T00:00:00Z' is outside the years 1970 to 9999 that Vigil accepts",
                refused("{\"matchers\": [\"a=b\"], \"startsAt\": \"0001-01-01T00:00:00Z\", \"duration\": \"1h\","
                        + " \"createdBy\": \"a\", \"comment\": \"b\"}"));
        assertTrue(refused("{\"matchers\": [\"a=b\"], \"startsAt\": \"9999-12-31T00:00:00Z\", \"duration\": \"2d\","
                        + " \"createdBy\": \"a\", \"comment\": \"b\"}")
                .startsWith("duration: the silence would end after 9999"));
    }

    @Test
    void matchersThatAllMatchTheEmptyStringAreRefusedForTheyWouldMuteEverything() throws Exception {
        String everything = refused(
                "{\"matchers\": [\"node=~\\\".*\\\"\", \"x!=y\"], \"duration\": \"1h\", \"createdBy\": \"a\", \"comment\": \"b\"}");
        assertEquals(
                "matchers: node=~\".*\", x!=\"y\" all match the empty string, so the silence would mute every alert;"
                        + " give at least one that does not (e.g. node=node-a or node=~\"node-.+\")",
                everything);
        assertTrue(refused(
                        "{\"matchers\": [\"team=\\\"\\\"\"], \"duration\": \"1h\", \"createdBy\": \"a\", \"comment\": \"b\"}")
                .contains("all match the empty string"));
        Silence narrowed = read(
                "{\"matchers\": [\"node=~\\\".*\\\"\", \"x!=y\", \"device=~\\\"/dev/.+\\\"\"], \"duration\": \"1h\","
                        + " \"createdBy\": \"a\", \"comment\": \"b\"}");
        assertEquals(3, narrowed.matchers().size(), "one matcher that needs a value is enough");
    }
}
