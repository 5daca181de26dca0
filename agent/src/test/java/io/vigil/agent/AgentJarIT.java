package io.vigil.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.Envelope;
import io.vigil.events.EnvelopeCodec;
import io.vigil.events.EventKind;
import io.vigil.events.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The packaged agent, {@code target/vigil-agent.jar}, as {@code ./vigil agent} runs it on a
 * host: it holds the agent and nothing of the lab, the broker, the engine or the history, and
 * run with {@code --simulated-host} against a real broker it publishes the simulated host's
 * telemetry, loading every class from the JDK or from that jar alone. Runs in the package
 * phase, after the jar is built (agent/pom.xml):
 * {@code mvn -pl agent -am package -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class AgentJarIT {
    private static final Path JAR = Path.of("target", "vigil-agent.jar");
    private static final Duration BOUND = Duration.ofSeconds(90);

    /** Packages of the heavy parts: the lab, the embedded broker, the engine, the history and their libraries. */
    private static final List<String> HEAVY = List.of(
            "io/vigil/app/",
            "io/vigil/lab/",
            "io/vigil/broker/",
            "io/vigil/rules/",
            "io/vigil/history/",
            "kafka/",
            "scala/",
            "org/apache/kafka/streams/",
            "org/apache/kafka/controller/",
            "org/apache/kafka/raft/",
            "org/apache/kafka/metadata/",
            "org/apache/kafka/storage/",
            "org/apache/kafka/image/",
            "org/duckdb/",
            "org/postgresql/",
            "dev/cel/",
            "com/google/re2j/",
            "org/rocksdb/");

    @Test
    void theJarHoldsTheAgentAndTheSimulatedHostsButNothingOfTheLabBrokerEngineOrHistory() throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR.toAbsolutePath() + " is not built: run 'mvn -pl agent -am package'");
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> names = jar.stream().map(e -> e.getName()).toList();
            List<String> heavy = names.stream().filter(AgentJarIT::heavy).toList();
            assertEquals(
                    List.of(),
                    heavy.stream().limit(20).toList(),
                    heavy.size() + " entries of the heavy parts in the agent's jar");
            for (String needed : List.of(
                    "io/vigil/agent/AgentMain.class",
                    "io/vigil/collectors/Agent.class",
                    "io/vigil/sim/SimulatedPair.class",
                    "org/apache/kafka/clients/producer/KafkaProducer.class")) {
                assertTrue(names.contains(needed), needed + " is missing from the agent's jar");
            }
            assertEquals(
                    AgentMain.class.getName(),
                    jar.getManifest().getMainAttributes().getValue("Main-Class"));
            assertEquals(
                    null,
                    jar.getManifest().getMainAttributes().getValue("Class-Path"),
                    "the jar names no other jars to load");
        }
    }

    @Test
    void theJarRunOnASimulatedHostPublishesItsTelemetryLoadingClassesFromTheJdkAndItselfOnly() throws Exception {
        Path base = Files.createDirectories(Path.of(System.getProperty("vigil.test.tmp", "target/tmp")));
        Path dir = Files.createTempDirectory(base, "agent-jar");
        Path classLog = dir.resolve("classes.log");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            kafka.createVigilTopics();
            Path config = dir.resolve("agent.yaml");
            Files.writeString(config, """
                    cluster: jar
                    node: node-a
                    kafka: {bootstrap.servers: "%s"}
                    spool: {dir: "%s", max_bytes: 16MiB}
                    metrics: {listen: "127.0.0.1:0"}
                    heartbeat: {interval: 2s}
                    probes:
                      drbd:  {statistics_interval: 2s, latency_interval: 2s, timeout: 1s}
                      smart: {interval: 2s, timeout: 1s, devices: [{device: /dev/sda}]}
                      lvm:   {interval: 2s, timeout: 1s}
                      vm:    {interval: 2s, timeout: 1s}
                    resources:
                      r0: {home: node-a, lvs: [vg0/r0-disk], vms: [web, mail]}
                    """.formatted(
                            kafka.bootstrapServers(), dir.resolve("spool").toAbsolutePath()));
            Process agent = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xlog:class+load=info:file=" + classLog,
                            "-jar",
                            JAR.toString(),
                            "--config",
                            config.toString(),
                            "--simulated-host",
                            "node-a")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("agent.log").toFile())
                    .start();
            try {
                Set<EventKind> kinds = EnumSet.noneOf(EventKind.class);
                Map<String, Object> props = Map.of(
                        "bootstrap.servers",
                        kafka.bootstrapServers(),
                        "group.id",
                        "agent-jar-test",
                        "auto.offset.reset",
                        "earliest");
                try (KafkaConsumer<String, byte[]> telemetry =
                        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
                    telemetry.subscribe(List.of(Topics.TELEMETRY));
                    await().atMost(BOUND).until(() -> {
                        assertTrue(
                                agent.isAlive(), () -> "the agent exited; its log: " + log(dir.resolve("agent.log")));
                        for (ConsumerRecord<String, byte[]> record : telemetry.poll(Duration.ofMillis(200))) {
                            Envelope envelope = EnvelopeCodec.decode(record.value());
                            assertEquals("node-a", envelope.node());
                            kinds.add(envelope.body().kind());
                        }
                        return kinds.containsAll(EnumSet.of(
                                EventKind.HEARTBEAT, EventKind.DRBD, EventKind.DISK, EventKind.LVM, EventKind.VM));
                    });
                }
            } finally {
                agent.destroy();
                if (!agent.waitFor(30, TimeUnit.SECONDS)) {
                    agent.destroyForcibly();
                }
            }
        }
        // a class read from a file names its jar or directory as its source (file:/...); the JDK's name jrt:/ or the
        // shared archive, and lambdas and other hidden classes name the class that defined them
        List<String> elsewhere = new ArrayList<>();
        int fromJar = 0;
        try (Stream<String> lines = Files.lines(classLog)) {
            for (String line : (Iterable<String>) lines.filter(l -> l.contains(" source: file:"))::iterator) {
                if (line.endsWith("/target/vigil-agent.jar")) {
                    fromJar++;
                } else {
                    elsewhere.add(line);
                }
            }
        }
        assertTrue(fromJar > 1000, "the agent's classes come from its jar: " + fromJar);
        assertEquals(
                List.of(),
                elsewhere.stream().limit(20).toList(),
                elsewhere.size() + " classes loaded from outside the JDK and the agent's jar");
        // the producer pushes no client metrics to the broker (KIP-714, ProducerSettings): the protobuf shaded into
        // kafka-clients for it is loaded only when it pushes (its reporter's own three classes load either way)
        try (Stream<String> lines = Files.lines(classLog)) {
            assertEquals(
                    List.of(),
                    lines.filter(l -> l.contains(" org.apache.kafka.shaded."))
                            .limit(5)
                            .toList(),
                    "classes of Kafka's client metrics push loaded");
        }
    }

    private static boolean heavy(String entry) {
        if (!entry.endsWith(".class")) {
            return false; // directories, and kafka-clients' own kafka/kafka-version.properties
        }
        return HEAVY.stream().anyMatch(entry::startsWith);
    }

    private static String log(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return file + " (unreadable: " + e.getMessage() + ")";
        }
    }
}
