package io.vigil.collectors.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.events.ActionOutcome;
import io.vigil.events.ActionResult;
import io.vigil.events.Envelope;
import io.vigil.events.EnvelopeCodec;
import io.vigil.events.EventKind;
import io.vigil.events.Heartbeat;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The publisher with no Kafka at all: what it stamps, keeps and drops. The broker round trip is tested in the lab. */
class TelemetryPublisherTest {
    private static final Instant NOW = Instant.parse("2026-11-24T21:03:07.412Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path dir;

    private final MeterRegistry registry = new SimpleMeterRegistry();

    @BeforeAll
    static void quietKafkaClients() {
        // this module has no logback-test.xml; the producer would log every reconnect attempt at DEBUG
        ((Logger) LoggerFactory.getLogger("org.apache.kafka")).setLevel(Level.ERROR);
    }

    /** A port nothing listens on: Kafka is simply not there. */
    private static Map<String, Object> absentKafka() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", "127.0.0.1:" + port);
        props.put("max.block.ms", "200");
        props.put("request.timeout.ms", "500");
        props.put("reconnect.backoff.max.ms", "200");
        return props;
    }

    private TelemetryPublisher publisher(long maxBytes) throws IOException {
        return new TelemetryPublisher(
                "pair-1", "node-a", absentKafka(), new Spool.Settings(dir, maxBytes), registry, CLOCK);
    }

    private static Heartbeat heartbeat(long uptime) {
        return new Heartbeat("test", uptime, List.of(), 8L << 30, 4L << 30);
    }

    private List<Envelope> spooled() throws Exception {
        List<Envelope> envelopes = new ArrayList<>();
        try (Spool spool = Spool.open(new Spool.Settings(dir, Long.MAX_VALUE))) {
            for (Spool.Entry entry : spool.readAfter(-1, Integer.MAX_VALUE, Long.MAX_VALUE)) {
                Envelope envelope = EnvelopeCodec.decode(entry.payload());
                assertEquals(entry.seq(), envelope.seq(), "the spool files a record under its envelope's seq");
                envelopes.add(envelope);
            }
        }
        return envelopes;
    }

    private double counter(String name, String tag, String value) {
        return Search.in(registry).name(name).tag(tag, value).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    @Test
    void emitNeverWaitsForKafkaAndKeepsEveryEventInSeqOrder() throws Exception {
        long slowest = 0;
        try (TelemetryPublisher publisher = publisher(64L * 1024 * 1024)) {
            for (int i = 0; i < 500; i++) {
                long began = System.nanoTime();
                publisher.emit(heartbeat(i));
                slowest = Math.max(slowest, System.nanoTime() - began);
            }
            publisher.emit(new ActionResult("a-1", ActionOutcome.values()[0], Optional.of(0), "ok", 0.5));
            assertEquals(
                    501.0,
                    Search.in(registry).name("vigil.agent.spool.events").gauge().value());
            assertTrue(
                    Search.in(registry).name("vigil.agent.spool.bytes").gauge().value() > 501 * Spool.HEADER_BYTES);
        }
        assertTrue(slowest < TimeUnit.MILLISECONDS.toNanos(150), "slowest emit took " + slowest / 1_000_000 + " ms");
        List<Envelope> envelopes = spooled();
        assertEquals(501, envelopes.size());
        for (int i = 0; i < envelopes.size(); i++) {
            Envelope e = envelopes.get(i);
            assertEquals(i, e.seq());
            assertEquals("pair-1", e.cluster());
            assertEquals("node-a", e.node());
            assertEquals(NOW, e.ts());
        }
        assertEquals(EventKind.ACTION_RESULT, envelopes.get(500).kind());
        assertEquals(0.0, counter("vigil.agent.events.published", "kind", "heartbeat"));
    }

    @Test
    void aRestartedPublisherContinuesAboveEverySeqItHandedOut() throws Exception {
        try (TelemetryPublisher publisher = publisher(1024 * 1024)) {
            for (int i = 0; i < 3; i++) {
                publisher.emit(heartbeat(i));
            }
        }
        try (TelemetryPublisher publisher = publisher(1024 * 1024)) {
            publisher.emit(heartbeat(3));
        }
        List<Long> seqs = spooled().stream().map(Envelope::seq).toList();
        assertEquals(List.of(0L, 1L, 2L), seqs.subList(0, 3));
        long restarted = seqs.get(3);
        assertTrue(
                restarted > 2 && restarted <= 2 + SeqReservation.BLOCK,
                "continues above 2, at most a block ahead: " + restarted);
    }

    @Test
    void whenTheSpoolIsFullTheOldestEventsAreDroppedAndCounted() throws Exception {
        int emitted = 300;
        try (TelemetryPublisher publisher = publisher(Spool.Settings.MIN_BYTES)) {
            for (int i = 0; i < emitted; i++) {
                publisher.emit(heartbeat(i));
            }
        }
        List<Long> seqs = spooled().stream().map(Envelope::seq).toList();
        assertTrue(seqs.size() < emitted, "the bound holds: " + seqs.size());
        assertEquals(emitted - 1, seqs.get(seqs.size() - 1), "the newest event is kept");
        assertEquals(emitted - seqs.size(), seqs.get(0), "only the oldest went");
        assertEquals(emitted - seqs.size(), counter("vigil.agent.events.dropped", "reason", "spool-full"));
    }

    @Test
    void anEventLargerThanTheWholeSpoolIsDroppedAndTheOthersAreKept() throws Exception {
        try (TelemetryPublisher publisher = publisher(Spool.Settings.MIN_BYTES)) {
            publisher.emit(heartbeat(1));
            publisher.emit(new Heartbeat("v".repeat((int) Spool.Settings.MIN_BYTES), 2, List.of(), 0, 0));
            publisher.emit(heartbeat(3));
        }
        assertEquals(1.0, counter("vigil.agent.events.dropped", "reason", "too-large"));
        assertEquals(
                List.of(1L, 3L),
                spooled().stream()
                        .map(e -> ((Heartbeat) e.body()).uptimeSeconds())
                        .toList());
    }

    @Test
    void anEventAfterCloseIsCountedAsDropped() throws Exception {
        TelemetryPublisher publisher = publisher(1024 * 1024);
        publisher.close();
        publisher.emit(heartbeat(1));
        assertEquals(1.0, counter("vigil.agent.events.dropped", "reason", "closed"));
        assertEquals(List.of(), spooled());
    }

    @Test
    void unusableKafkaPropertiesFailAtConstructionAndReleaseTheSpool() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new TelemetryPublisher(
                        "pair-1", "node-a", Map.of(), new Spool.Settings(dir, 1024 * 1024), registry, CLOCK));
        assertTrue(e.getMessage().contains("bootstrap.servers"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new TelemetryPublisher(
                        "pair-1",
                        "node a;rm",
                        Map.of("bootstrap.servers", "127.0.0.1:9"),
                        new Spool.Settings(dir, 1024 * 1024),
                        registry));
        // the spool directory is free again
        assertEquals(0, assertDoesNotThrowOpen());
    }

    private long assertDoesNotThrowOpen() {
        try (Spool spool = Spool.open(new Spool.Settings(dir, 1024 * 1024))) {
            return spool.events();
        } catch (IOException e) {
            throw new AssertionError("spool still locked: " + e.getMessage(), e);
        }
    }
}
