package io.vigil.rules.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.Action;
import io.vigil.events.ActionOutcome;
import io.vigil.events.ActionResult;
import io.vigil.events.ActionSeal;
import io.vigil.events.ActionType;
import io.vigil.events.Body;
import io.vigil.events.DecodeException;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdRole;
import io.vigil.events.Envelope;
import io.vigil.events.Heartbeat;
import io.vigil.events.Hypervisor;
import io.vigil.events.Liveness;
import io.vigil.events.Topics;
import io.vigil.events.VmState;
import io.vigil.events.VmStatus;
import io.vigil.rules.engine.EngineTiming;
import io.vigil.rules.engine.Roster;
import io.vigil.service.http.ListenAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One scrape of the engine answers for the pair, as the engine sees it, on the real broker: when
 * each host was last heard (and a host whose agent stopped keeps its last time while the other's
 * goes on), the alerts firing by name and severity, the phase of the resource's failover, the
 * actions sent and how they ended, and how long the failover took. The agents are played by the
 * test: a reporter sends each node's DRBD, VM and heartbeat reports from a small model of the pair,
 * and an executor answers each action the engine sends and changes the model as the action says.
 */
@SuppressWarnings(
        "deprecation") // the simpleclient Prometheus registry (text format 0.0.4), as the agent and engine use it
class ClusterViewMetricsTest {
    /** Each node's agent holds its own key, as the engine's key_dir gives them. */
    private static final Map<String, ActionSeal> AGENT_KEYS = Map.of(
            "node-a", ActionSeal.ofKeyText("the-action-key-of-node-a-0123456789abcdef"),
            "node-b", ActionSeal.ofKeyText("the-action-key-of-node-b-0123456789abcdef"));

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Map<String, AtomicLong> seqs = new ConcurrentHashMap<>();
    private final Set<String> primaries = Collections.synchronizedSet(new HashSet<>(Set.of("node-a")));
    private final Set<String> silent = ConcurrentHashMap.newKeySet();
    private volatile String webOn = "node-a";
    private volatile boolean aDiskLost;

    @Test
    void oneScrapeAnswersForThePairHostsHeardAlertsByNameTheSagaPhaseActionsAndTheFailoverDuration(@TempDir Path dir)
            throws Exception {
        Path topology = Files.writeString(dir.resolve("topology.yaml"), EngineHarness.ONE_VM_TOPOLOGY);
        Path keys = Files.createDirectories(dir.resolve("keys"));
        Files.writeString(keys.resolve("node-a.key"), "the-action-key-of-node-a-0123456789abcdef\n");
        Files.writeString(keys.resolve("node-b.key"), "the-action-key-of-node-b-0123456789abcdef\n");
        PrometheusMeterRegistry registry = EngineHarness.registry();
        EngineTiming timing = new EngineTiming(
                Duration.ofMillis(200),
                Duration.ofHours(1),
                Duration.ofHours(2),
                Duration.ofSeconds(1),
                Duration.ofDays(7),
                Duration.ofMinutes(15));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                KafkaProducer<String, byte[]> producer = EngineHarness.producer(kafka.bootstrapServers())) {
            kafka.createVigilTopics();
            String bootstrap = kafka.bootstrapServers();
            var config = EngineHarness.withFailover(
                    EngineHarness.config(
                            bootstrap,
                            dir.resolve("state"),
                            "cluster-view",
                            new Roster(Map.of("pair-1", new Roster.ClusterSpec(List.of("node-a", "node-b"), Map.of()))),
                            timing,
                            Optional.empty(),
                            new ListenAddress("127.0.0.1", 0)),
                    topology,
                    keys);
            try (Engine engine = Engine.start(config, EngineHarness.pack(), registry)) {
                assertTrue(engine.awaitRunning(WAIT), "engine not running: " + engine.state());
                // before anything happened: the counters and the duration are there at zero, the alerts of every rule
                // at zero,
                // and no host has a last-heard time (never heard is unknown, not the epoch)
                await().atMost(WAIT).untilAsserted(() -> {
                    String scrape = registry.scrape();
                    assertEquals(
                            OptionalDouble.of(0),
                            value(
                                    scrape,
                                    "vigil_engine_alerts{alertname=\"DrbdLocalDiskLost\",cluster=\"pair-1\",severity=\"critical\",state=\"firing\",}"),
                            scrape);
                });
                String before = registry.scrape();
                for (String zero : List.of(
                        "vigil_failover_actions_total{outcome=\"sent\",type=\"drbd-primary\",}",
                        "vigil_failover_actions_total{outcome=\"succeeded\",type=\"vm-migrate-live\",}",
                        "vigil_failover_sagas_total{outcome=\"failed-back\",way=\"live-evacuation\",}",
                        "vigil_failover_duration_seconds_count",
                        "vigil_engine_alerts{alertname=\"FailoverStuck\",cluster=\"pair-1\",severity=\"critical\",state=\"firing\",}",
                        "vigil_engine_alerts{alertname=\"NodeSilent\",cluster=\"pair-1\",severity=\"critical\",state=\"pending\",}")) {
                    assertEquals(
                            OptionalDouble.of(0), value(before, zero), () -> zero + " is not at zero in\n" + before);
                }
                assertFalse(before.contains("vigil_engine_node_last_heard_timestamp_seconds{"), before);

                Thread reporter = reportEveryHalfSecond(producer);
                Thread executor = executeActions(bootstrap, producer);
                try {
                    await().atMost(WAIT)
                            .until(() -> value(registry, lastHeard("node-a")).isPresent()
                                    && value(registry, lastHeard("node-b")).isPresent());
                    double heardA = value(registry, lastHeard("node-a")).getAsDouble();
                    assertTrue(
                            Math.abs(heardA - Instant.now().toEpochMilli() / 1000.0) < 5, "node-a heard at " + heardA);
                    await().atMost(WAIT).until(() -> phase(registry, "Healthy").equals(OptionalDouble.of(1)));

                    aDiskLost = true;
                    await().atMost(WAIT)
                            .until(() -> value(
                                            registry,
                                            "vigil_engine_alerts{alertname=\"DrbdLocalDiskLost\",cluster=\"pair-1\",severity=\"critical\",state=\"firing\",}")
                                    .equals(OptionalDouble.of(1)));
                    await().atMost(WAIT)
                            .until(() -> phase(registry, "FailedOver").equals(OptionalDouble.of(1)));
                    String during = registry.scrape();
                    assertEquals(
                            1,
                            during.lines()
                                    .filter(l -> l.startsWith("vigil_failover_phase{")
                                            && l.contains("resource=\"r0\"")
                                            && l.endsWith(" 1.0"))
                                    .count(),
                            "one phase at a time:\n" + during);
                    assertEquals(OptionalDouble.of(1), value(during, "vigil_failover_duration_seconds_count"));
                    assertTrue(
                            value(during, "vigil_failover_duration_seconds_sum").getAsDouble() > 0, during);
                    // each action on vigil.actions counted once as sent, by its type (read again until both are
                    // committed)
                    await().atMost(WAIT).untilAsserted(() -> {
                        List<Action> sent = actions(bootstrap);
                        String now = registry.scrape();
                        for (ActionType type : ActionType.values()) {
                            long count =
                                    sent.stream().filter(a -> a.type() == type).count();
                            String series =
                                    "vigil_failover_actions_total{outcome=\"sent\",type=\"" + type.wire() + "\",}";
                            assertEquals(OptionalDouble.of(count), value(now, series), () -> series + "\n" + sent);
                        }
                    });
                    assertEquals(
                            OptionalDouble.of(1),
                            value(
                                    during,
                                    "vigil_failover_actions_total{outcome=\"succeeded\",type=\"vm-migrate-live\",}"));
                    assertTrue(
                            value(during, "vigil_engine_event_to_alert_seconds_count")
                                            .getAsDouble()
                                    >= 1,
                            during);

                    // node-a's agent stops: the engine still answers for it, with the last time it heard it
                    silent.add("node-a");
                    Thread.sleep(1500); // what node-a sent last is taken in
                    double lastA = value(registry, lastHeard("node-a")).getAsDouble();
                    await().atMost(WAIT)
                            .until(() -> value(registry, lastHeard("node-b")).getAsDouble() > lastA + 3);
                    assertEquals(
                            OptionalDouble.of(lastA),
                            value(registry, lastHeard("node-a")),
                            "node-a was not heard since");
                } finally {
                    reporter.interrupt();
                    executor.interrupt();
                    reporter.join();
                    executor.join();
                }
            }
        }
    }

    private static String lastHeard(String node) {
        return "vigil_engine_node_last_heard_timestamp_seconds{cluster=\"pair-1\",node=\"" + node + "\",}";
    }

    private static OptionalDouble phase(PrometheusMeterRegistry registry, String phase) {
        return value(registry, "vigil_failover_phase{cluster=\"pair-1\",phase=\"" + phase + "\",resource=\"r0\",}");
    }

    private static OptionalDouble value(PrometheusMeterRegistry registry, String series) {
        return value(registry.scrape(), series);
    }

    /** The value of one series in a scrape ({@code name{labels,}} as the text format writes it), empty when absent. */
    static OptionalDouble value(String scrape, String series) {
        return scrape.lines()
                .filter(l -> l.startsWith(series + " "))
                .mapToDouble(
                        l -> Double.parseDouble(l.substring(series.length() + 1).strip()))
                .findFirst();
    }

    private Thread reportEveryHalfSecond(KafkaProducer<String, byte[]> producer) {
        Thread thread = new Thread(
                () -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        for (String node : List.of("node-a", "node-b")) {
                            if (silent.contains(node)) {
                                continue;
                            }
                            String peer = node.equals("node-a") ? "node-b" : "node-a";
                            send(producer, node, new Heartbeat("test", 1, List.of(), 8L << 30, 4L << 30));
                            send(
                                    producer,
                                    node,
                                    EngineHarness.drbd(peer, role(node), disk(node), role(peer), disk(peer)));
                            send(
                                    producer,
                                    node,
                                    new VmStatus(
                                            "web",
                                            Optional.empty(),
                                            Hypervisor.LIBVIRT,
                                            webOn.equals(node) ? VmState.RUNNING : VmState.SHUT_OFF,
                                            Optional.of(1L << 30),
                                            Optional.of(1L << 30),
                                            Optional.of(1),
                                            Optional.of("r0"),
                                            Liveness.NOT_CHECKED,
                                            Optional.empty()));
                        }
                        try {
                            Thread.sleep(500);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "test-reporter");
        thread.start();
        return thread;
    }

    /** The executors of both nodes, each with its node's key: every action succeeds, and the model of the pair changes as it says. */
    private Thread executeActions(String bootstrap, KafkaProducer<String, byte[]> producer) {
        Thread thread = new Thread(
                () -> {
                    Map<String, Object> props = new HashMap<>();
                    props.put("bootstrap.servers", bootstrap);
                    props.put("isolation.level", "read_committed");
                    props.put("group.id", "test-executors");
                    props.put("auto.offset.reset", "earliest");
                    try (KafkaConsumer<byte[], byte[]> consumer =
                            new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                        consumer.subscribe(List.of(Topics.ACTIONS));
                        while (!Thread.currentThread().isInterrupted()) {
                            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                                Action action = open(r);
                                switch (action.type()) {
                                    case DRBD_PRIMARY -> primaries.add(action.node());
                                    case DRBD_SECONDARY -> primaries.remove(action.node());
                                    case VM_MIGRATE_LIVE ->
                                        webOn = action.target().orElseThrow();
                                    case VM_START -> webOn = action.node();
                                    case VM_SHUTDOWN, VM_DESTROY -> webOn = "";
                                    default -> {}
                                }
                                send(
                                        producer,
                                        action.node(),
                                        new ActionResult(
                                                action.id(), ActionOutcome.SUCCEEDED, Optional.of(0), "", 0.1));
                            }
                        }
                    } catch (org.apache.kafka.common.errors.InterruptException e) {
                        // the test is over
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                "test-executors");
        thread.start();
        return thread;
    }

    private DrbdRole role(String node) {
        return primaries.contains(node) ? DrbdRole.PRIMARY : DrbdRole.SECONDARY;
    }

    private DiskState disk(String node) {
        return node.equals("node-a") && aDiskLost ? DiskState.DISKLESS : DiskState.UP_TO_DATE;
    }

    private void send(KafkaProducer<String, byte[]> producer, String node, Body body) {
        long seq = seqs.computeIfAbsent(node, n -> new AtomicLong()).incrementAndGet();
        EngineHarness.send(producer, Envelope.of("pair-1", node, seq, Instant.now(), body));
        producer.flush();
    }

    private static List<Action> actions(String bootstrap) throws Exception {
        List<Action> actions = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : EngineHarness.readAll(bootstrap, Topics.ACTIONS)) {
            actions.add(open(r));
        }
        return actions;
    }

    /** The action as its node's agent opens it, with its own key; the other node's key does not open it. */
    private static Action open(ConsumerRecord<byte[], byte[]> r) throws DecodeException {
        String node = new String(r.key(), StandardCharsets.UTF_8);
        String other = node.equals("node-a") ? "node-b" : "node-a";
        assertThrows(
                DecodeException.class,
                () -> AGENT_KEYS.get(other).open(r.value()),
                "an action for " + node + " is sealed with its key, not " + other + "'s");
        return AGENT_KEYS.get(node).open(r.value());
    }
}
