package io.vigil.rules.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.Envelope;
import io.vigil.events.LabelMatcher;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.rules.engine.Roster;
import io.vigil.rules.fixtures.Bodies;
import io.vigil.service.http.ListenAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's lag and active silences on the real broker: numbers while it runs (0 is a count it
 * made), NaN while it cannot tell (starting, stopped): unknown is not zero, as docs/metrics.md says.
 */
@SuppressWarnings(
        "deprecation") // the simpleclient Prometheus registry (text format 0.0.4), as the agent and engine use it
class UnknownEngineGaugesTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String LAG = "vigil_engine_consumer_lag_records";
    private static final String SILENCES = "vigil_engine_silences_active";

    @Test
    void lagAndActiveSilencesAreNumbersWhileTheEngineRunsAndNaNBeforeAndAfter(@TempDir Path dir) throws Exception {
        PrometheusMeterRegistry registry = EngineHarness.registry();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                KafkaProducer<String, byte[]> producer = EngineHarness.producer(kafka.bootstrapServers())) {
            Engine engine = Engine.start(
                    EngineHarness.config(
                            kafka.bootstrapServers(),
                            dir.resolve("state"),
                            "unknown-gauges",
                            new Roster(Map.of("pair-1", new Roster.ClusterSpec(List.of("node-a", "node-b"), Map.of()))),
                            ScaleOutTest.TIMING,
                            Optional.empty(),
                            new ListenAddress("127.0.0.1", 0)),
                    EngineHarness.pack(),
                    registry);
            try {
                String starting = registry.scrape();
                // the state is read after the scrape: an engine still starting now was starting at the scrape
                if (engine.state() != KafkaStreams.State.RUNNING) {
                    assertEquals(OptionalDouble.of(Double.NaN), value(starting, LAG), "lag while starting");
                }

                assertTrue(engine.awaitRunning(WAIT), "engine not running: " + engine.state());
                for (int seq = 1; seq <= 20; seq++) {
                    EngineHarness.send(
                            producer, Envelope.of("pair-1", "node-a", seq, Instant.now(), Bodies.heartbeat()));
                }
                producer.flush();
                // every record read: the lag is a count, 0, over the partitions the engine holds
                await().atMost(WAIT).until(() -> value(registry.scrape(), LAG).equals(OptionalDouble.of(0)));
                assertEquals(OptionalDouble.of(0), value(registry.scrape(), SILENCES), "no silence yet");

                producer.send(new ProducerRecord<>(
                                Topics.SILENCES,
                                "s-1",
                                WireCodec.encode(StoredSilencesTest.silence(
                                        "s-1",
                                        LabelMatcher.parse("node=node-a"),
                                        Instant.now().plus(Duration.ofHours(1))))))
                        .get();
                await().atMost(WAIT)
                        .until(() -> value(registry.scrape(), SILENCES).equals(OptionalDouble.of(1)));
            } finally {
                engine.close();
            }

            // stopped: its partitions and its silences store are gone, what it last counted is no longer known
            String stopped = registry.scrape();
            assertEquals(OptionalDouble.of(Double.NaN), value(stopped, LAG), stopped);
            assertEquals(OptionalDouble.of(Double.NaN), value(stopped, SILENCES), stopped);
        }
    }

    private static OptionalDouble value(String scrape, String series) {
        return ClusterViewMetricsTest.value(scrape, series);
    }
}
