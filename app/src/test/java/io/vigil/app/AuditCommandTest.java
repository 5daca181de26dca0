package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.AuditEntry;
import io.vigil.events.AuditKind;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vigil audit reading vigil.audit on a real in-process broker, records written with chosen timestamps. */
class AuditCommandTest {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'").withZone(ZoneOffset.UTC);

    private static AuditEntry entry(
            String cluster, Instant at, AuditKind kind, String phase, String text, List<String> evidence) {
        return new AuditEntry(cluster, cluster + ":r0:1", "r0", at, kind, phase, text, evidence, Optional.empty());
    }

    @Test
    void printsTheEntriesSinceTheGivenTimeOldestFirstWithTheirEvidenceAndSkipsWhatCannotBeRead(@TempDir Path dir)
            throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        AuditEntry tooOld =
                entry("pair-1", now.minus(Duration.ofHours(3)), AuditKind.DECISION, "Degraded", "long ago", List.of());
        AuditEntry begun = entry(
                "pair-1",
                now.minus(Duration.ofMinutes(50)),
                AuditKind.DECISION,
                "Degraded",
                "host lost of r0 from node-a to node-b: node-a silent for 30 s",
                List.of("node-b seq 812 at 2026-12-04T21:03:07Z", "node-a last seen seq 77"));
        AuditEntry other = entry(
                "pair-2",
                now.minus(Duration.ofMinutes(40)),
                AuditKind.ACTION,
                "Evacuating",
                "sent vm-migrate-live vm1 node-a→node-b",
                List.of());
        AuditEntry result = entry(
                "pair-1",
                now.minus(Duration.ofMinutes(10)),
                AuditKind.RESULT,
                "Fencing",
                "fence:node-a on node-b: succeeded (exit 0) in 2.1 s",
                List.of());
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            kafka.createVigilTopics();
            Map<String, Object> settings = new HashMap<>(Topics.producerGuarantees());
            settings.put("bootstrap.servers", kafka.bootstrapServers());
            try (KafkaProducer<String, byte[]> producer =
                    new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer())) {
                // written out of time order across clusters: the timeline is ordered by when, not by partition
                for (AuditEntry e : List.of(tooOld, begun, result, other)) {
                    producer.send(new ProducerRecord<>(
                                    Topics.AUDIT, null, e.at().toEpochMilli(), e.cluster(), WireCodec.encode(e)))
                            .get();
                }
                producer.send(new ProducerRecord<>(
                                Topics.AUDIT,
                                null,
                                now.minus(Duration.ofMinutes(30)).toEpochMilli(),
                                "pair-1",
                                "{not json".getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
            String bootstrap = kafka.bootstrapServers();
            CommandOutput text = CommandOutput.run("audit", "--since", "1h", "--bootstrap", bootstrap);
            assertEquals(0, text.exitCode(), text.err());
            assertEquals(
                    TIME.format(begun.at())
                            + "  pair-1:r0:1  Degraded          decision  host lost of r0 from node-a to node-b: node-a silent for 30 s\n"
                            + "      node-b seq 812 at 2026-12-04T21:03:07Z\n"
                            + "      node-a last seen seq 77\n"
                            + TIME.format(other.at())
                            + "  pair-2:r0:1  Evacuating        action    sent vm-migrate-live vm1 node-a→node-b\n"
                            + TIME.format(result.at())
                            + "  pair-1:r0:1  Fencing           result    fence:node-a on node-b: succeeded (exit 0) in 2.1 s\n",
                    text.out());
            assertTrue(text.err().contains("vigil audit: vigil.audit partition "), text.err());
            assertTrue(text.err().contains("cannot be read") && text.err().contains("skipped"), text.err());

            CommandOutput saga = CommandOutput.run(
                    "audit", "--since", "4h", "--saga", "pair-1:r0:1", "--bootstrap", bootstrap, "--format", "json");
            assertEquals(0, saga.exitCode(), saga.err());
            List<String> lines = saga.out().lines().toList();
            assertEquals(3, lines.size(), saga.out());
            assertEquals(tooOld, WireCodec.decode(lines.get(0).getBytes(StandardCharsets.UTF_8), AuditEntry.class));
            assertEquals(result, WireCodec.decode(lines.get(2).getBytes(StandardCharsets.UTF_8), AuditEntry.class));

            CommandOutput cluster = CommandOutput.run(
                    "audit", "--since", "1h", "--cluster", "pair-2", "--bootstrap", bootstrap, "--format", "json");
            assertEquals(1, cluster.out().lines().count(), cluster.out());
        }
    }

    @Test
    void badInputIsAUsageError() {
        CommandOutput since = CommandOutput.run("audit", "--since", "1x", "--bootstrap", "127.0.0.1:1");
        assertEquals(2, since.exitCode());
        assertTrue(since.err().contains("'1x' is not a duration"), since.err());
        CommandOutput saga = CommandOutput.run("audit", "--saga", "-x", "--bootstrap", "127.0.0.1:1");
        assertEquals(2, saga.exitCode());
        assertTrue(saga.err().contains("--saga '-x' is not a name"), saga.err());
        CommandOutput both = CommandOutput.run("audit", "--bootstrap", "127.0.0.1:1", "--config", "engine.yaml");
        assertEquals(2, both.exitCode(), both.err());
    }
}
