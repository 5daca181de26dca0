package io.vigil.rules.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.Alert;
import io.vigil.events.AlertChange;
import io.vigil.events.AlertState;
import io.vigil.events.Envelope;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.rules.engine.EngineTiming;
import io.vigil.rules.engine.Roster;
import io.vigil.rules.fixtures.Bodies;
import io.vigil.service.http.ListenAddress;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two engine instances share the telemetry partitions; one is killed with SIGKILL while events
 * flow. The other takes its partitions over, and on vigil.alerts every alert's changes are there
 * exactly once: versions 1, 2, 3, ... with no gap and no repeat, as many as the input flipped.
 */
class ScaleOutTest {
    static final EngineTiming TIMING = new EngineTiming(
            Duration.ofMillis(200),
            Duration.ofHours(1),
            Duration.ofHours(2),
            Duration.ofSeconds(1),
            Duration.ofDays(7),
            Duration.ofHours(1));
    private static final Logger log = LoggerFactory.getLogger(ScaleOutTest.class);
    private static final int CLUSTERS = 12;
    private static final Duration STEP = Duration.ofMillis(250);

    @Test
    void killingOneOfTwoInstancesLosesNoAlertChangeAndRepeatsNone() throws Exception {
        Path tmp = Files.createDirectories(Path.of(System.getProperty("vigil.test.tmp", "target/tmp")));
        Path dir = Files.createTempDirectory(tmp, "scale-out-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            kafka.createVigilTopics();
            String app = "vigil-scale-out";
            Engine a = Engine.start(
                    EngineHarness.config(
                            kafka.bootstrapServers(),
                            dir.resolve("state-a"),
                            app,
                            Roster.empty(),
                            TIMING,
                            Optional.empty(),
                            new ListenAddress("127.0.0.1", 0)),
                    EngineHarness.pack(),
                    EngineHarness.registry());
            Process b =
                    startInstance(kafka.bootstrapServers(), dir.resolve("state-b"), app, dir.resolve("instance-b.log"));
            try (a) {
                await().atMost(Duration.ofSeconds(90))
                        .until(() -> a.state().toString().equals("RUNNING")
                                && a.activeTelemetryPartitions().size() < 6
                                && !a.activeTelemetryPartitions().isEmpty());
                List<Integer> onA = a.activeTelemetryPartitions();
                log.info("instance a evaluates partitions {}; b the others", onA);
                long onB = java.util.stream.IntStream.range(0, CLUSTERS)
                        .filter(c -> !onA.contains(ClusterPartition.of(String.format("c%02d", c), 6)))
                        .count();
                assertTrue(onB >= 2, "some clusters are b's to evaluate when it is killed: " + onB);

                Map<String, List<AlertState>> expected = new TreeMap<>();
                AtomicBoolean flowing = new AtomicBoolean(true);
                Thread producer = new Thread(() -> produce(kafka.bootstrapServers(), expected, flowing), "telemetry");
                producer.start();
                Thread.sleep(4_000);
                b.destroyForcibly();
                assertTrue(b.waitFor(10, TimeUnit.SECONDS));
                log.info("instance b killed while events flow");
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> a.activeTelemetryPartitions().size() == 6);
                log.info("instance a took over every partition");
                Thread.sleep(3_000);
                flowing.set(false);
                producer.join();

                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofSeconds(1))
                        .until(() -> {
                            Map<String, List<Alert>> byCluster = alertsByCluster(kafka.bootstrapServers());
                            synchronized (expected) {
                                return expected.entrySet().stream()
                                        .allMatch(e -> byCluster
                                                        .getOrDefault(e.getKey(), List.of())
                                                        .size()
                                                == e.getValue().size());
                            }
                        });
                Map<String, List<Alert>> byCluster = alertsByCluster(kafka.bootstrapServers());
                for (Map.Entry<String, List<AlertState>> e : expected.entrySet()) {
                    List<Alert> got = byCluster.get(e.getKey());
                    assertEquals(
                            1, got.stream().map(Alert::fingerprint).distinct().count(), "one alert per cluster");
                    List<Long> versions = got.stream().map(Alert::version).toList();
                    for (int i = 0; i < versions.size(); i++) {
                        assertEquals(
                                i + 1,
                                versions.get(i),
                                e.getKey() + ": versions in order, none lost, none twice: " + versions);
                    }
                    assertEquals(e.getValue(), got.stream().map(Alert::state).toList(), e.getKey());
                }
                int changes = expected.values().stream().mapToInt(List::size).sum();
                assertTrue(changes > CLUSTERS * 20, "enough changes flowed: " + changes);
                log.info("{} alert changes over {} clusters, each exactly once", changes, CLUSTERS);
            } finally {
                b.destroyForcibly();
            }
        }
    }

    /** Every cluster's disk fails and is replaced, alternately, one event per cluster each step. */
    private static void produce(String bootstrap, Map<String, List<AlertState>> expected, AtomicBoolean flowing) {
        try (KafkaProducer<String, byte[]> producer = EngineHarness.producer(bootstrap)) {
            Map<String, Long> seq = new HashMap<>();
            boolean lost = false;
            while (flowing.get()) {
                for (int c = 0; c < CLUSTERS; c++) {
                    String cluster = String.format("c%02d", c);
                    long n = seq.merge(cluster, 1L, Long::sum);
                    EngineHarness.send(
                            producer,
                            Envelope.of(
                                    cluster,
                                    "node-a",
                                    n,
                                    Instant.now(),
                                    lost ? Bodies.diskLost("r0") : Bodies.healthyPrimary("r0")));
                    synchronized (expected) {
                        List<AlertState> states = expected.computeIfAbsent(cluster, k -> new ArrayList<>());
                        if (lost || !states.isEmpty()) {
                            states.add(lost ? AlertState.FIRING : AlertState.RESOLVED);
                        }
                    }
                }
                producer.flush();
                lost = !lost;
                Thread.sleep(STEP.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, List<Alert>> alertsByCluster(String bootstrap) {
        Map<String, List<Alert>> byCluster = new LinkedHashMap<>();
        EngineHarness.readAll(bootstrap, Topics.ALERTS).stream()
                .filter(r -> r.value() != null)
                .forEach(r -> {
                    try {
                        Alert alert = WireCodec.decode(r.value(), Alert.class);
                        assertFalse(alert.change() == AlertChange.RESEND, "no resend within the test's hour");
                        if (alert.rule().equals("DrbdLocalDiskLost")) {
                            byCluster
                                    .computeIfAbsent(alert.labels().get("cluster"), k -> new ArrayList<>())
                                    .add(alert);
                        }
                    } catch (io.vigil.events.DecodeException e) {
                        throw new AssertionError(e);
                    }
                });
        return byCluster;
    }

    /** An engine instance in its own JVM ({@link EngineProcess}), returned once it runs; {@code extra}: its further arguments. */
    static Process startInstance(String bootstrap, Path stateDir, String app, Path logFile, String... extra)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(
                java,
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                "-Djava.io.tmpdir=" + stateDir.getParent(),
                EngineProcess.class.getName(),
                bootstrap,
                stateDir.toString(),
                app));
        command.addAll(List.of(extra));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String line;
        while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
            seen.add(line);
            if (line.startsWith("RUNNING")) {
                log.info("instance b (pid {}) {}", process.pid(), line);
                Thread drain = new Thread(
                        () -> {
                            try (var copy = Files.newBufferedWriter(logFile)) {
                                for (String l = out.readLine(); l != null; l = out.readLine()) {
                                    copy.write(l);
                                    copy.newLine();
                                }
                            } catch (java.io.IOException e) {
                                // the process was killed
                            }
                        },
                        "instance-b-output");
                drain.setDaemon(true);
                drain.start();
                return process;
            }
            if (line.startsWith("NOT RUNNING")) {
                break;
            }
        }
        process.destroyForcibly();
        throw new AssertionError("instance b did not start:\n"
                + String.join("\n", seen.subList(Math.max(0, seen.size() - 40), seen.size()))
                + "\n(classpath separator " + File.pathSeparator + ")");
    }
}
