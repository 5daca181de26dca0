package io.vigil.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WireTimeTest {
    private static final String T = "2026-11-24T21:03:07.412Z";

    private static String envelope(String ts) {
        return EnvelopeCodec.encodeToString(Envelope.of(
                        "pair-1",
                        "node-a",
                        1,
                        Instant.parse(T),
                        new Heartbeat(
                                "1.0",
                                5,
                                List.of(new ProbeHealth(
                                        "drbd", true, 0, Optional.empty(), Optional.of(Instant.parse(T)))),
                                1,
                                1)))
                .replaceFirst("\"ts\":\"" + T + "\"", "\"ts\":\"" + ts + "\"");
    }

    private static DecodeException refused(String json) {
        return assertThrows(DecodeException.class, () -> EnvelopeCodec.decode(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anEnvelopeStampedInYearOneIsADecodeErrorNamingTs() {
        DecodeException e = refused(envelope("0001-01-01T00:00:00Z"));
        assertEquals("ts", e.field());
        assertTrue(
                e.getMessage().contains("0001-01-01T00:00:00Z")
                        && e.getMessage().contains("1970"),
                e.getMessage());
    }

    @Test
    void theWindowIsTheYears1970To9999() throws Exception {
        for (String ok : List.of("1970-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z")) {
            assertEquals(
                    Instant.parse(ok),
                    EnvelopeCodec.decode(envelope(ok).getBytes(StandardCharsets.UTF_8))
                            .ts(),
                    ok);
        }
        for (String bad :
                List.of("1969-12-31T23:59:59.999Z", "+10000-01-01T00:00:00Z", "-292275055-05-16T16:47:04.192Z")) {
            assertEquals("ts", refused(envelope(bad)).field(), bad);
        }
    }

    @Test
    void aTimeInsideABodyGoesThroughTheSameCheck() {
        String json = envelope(T).replace("\"lastSuccess\":\"" + T + "\"", "\"lastSuccess\":\"0001-01-01T00:00:00Z\"");
        DecodeException e = refused(json);
        assertEquals("body.probes[0].lastSuccess", e.field());
        assertTrue(e.getMessage().contains("0001-01-01T00:00:00Z"), e.getMessage());
    }

    @Test
    void everyTimeOfAnAlertIsChecked() {
        String json = new String(WireCodec.encode(AlertWireTest.firing()), StandardCharsets.UTF_8);
        for (String field : List.of("activeAt", "firedAt", "endsAt", "sentAt")) {
            String bad = json.replace("\"" + field + "\":\"", "\"" + field + "\":\"0001-01-01T00:00:00Z\",\"was\":\"");
            DecodeException e = assertThrows(
                    DecodeException.class,
                    () -> WireCodec.decode(bad.getBytes(StandardCharsets.UTF_8), Alert.class),
                    field);
            assertEquals(field, e.field());
        }
        String cause =
                json.replace("\"seq\":8812,\"ts\":\"" + T + "\"", "\"seq\":8812,\"ts\":\"0001-01-01T00:00:00Z\"");
        DecodeException e = assertThrows(
                DecodeException.class, () -> WireCodec.decode(cause.getBytes(StandardCharsets.UTF_8), Alert.class));
        assertEquals("cause.ts", e.field());
        assertEquals(
                "cause.ts: '0001-01-01T00:00:00Z' is outside the years 1970 to 9999 that Vigil accepts",
                e.getMessage());
        String number = json.replace("\"sentAt\":\"" + T + "\"", "\"sentAt\":1764018187");
        DecodeException n = assertThrows(
                DecodeException.class, () -> WireCodec.decode(number.getBytes(StandardCharsets.UTF_8), Alert.class));
        assertEquals("sentAt", n.field());
        assertTrue(n.getMessage().startsWith("sentAt: expected an ISO-8601 time as a string"), n.getMessage());
    }

    @Test
    void aSilenceEndingAfterYear9999IsRefused() {
        Silence silence = new Silence(
                "6f1a",
                List.of(LabelMatcher.parse("cluster=pair-1")),
                Instant.parse(T),
                Instant.parse(T).plusSeconds(3600),
                "ops",
                "disk swap",
                Optional.empty(),
                Instant.parse(T));
        String json = new String(WireCodec.encode(silence), StandardCharsets.UTF_8)
                .replace("\"endsAt\":\"2026-11-24T22:03:07.412Z\"", "\"endsAt\":\"+10000-01-01T00:00:00Z\"");
        DecodeException e = assertThrows(
                DecodeException.class, () -> WireCodec.decode(json.getBytes(StandardCharsets.UTF_8), Silence.class));
        assertEquals("endsAt", e.field());
        assertTrue(e.getMessage().contains("+10000-01-01T00:00:00Z"), e.getMessage());
    }
}
