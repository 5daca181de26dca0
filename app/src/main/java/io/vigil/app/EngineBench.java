package io.vigil.app;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.Alert;
import io.vigil.events.AlertChange;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.lab.view.TopicFollower;
import io.vigil.rules.config.EngineConfig;
import io.vigil.rules.engine.EngineTiming;
import io.vigil.rules.engine.Roster;
import io.vigil.rules.rule.DefaultRulePack;
import io.vigil.rules.rule.RuleSet;
import io.vigil.rules.stream.Engine;
import io.vigil.service.config.DurationText;
import io.vigil.service.http.ListenAddress;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The engine's throughput and latency, on a broker in this process. Throughput: N telemetry
 * events (a realistic mix from many clusters) are produced first; a bare KafkaConsumer reads them
 * all, then the engine evaluates them all; the figure is the engine's events/s as a ratio of the
 * bare consumer's. Latency: with the engine caught up, a steady nominal load in which disks fail
 * and come back, and for each alert change the time from the event's timestamp to the alert's
 * publication (engine clock) and to the moment a read_committed reader has it.
 */
@picocli.CommandLine.Command(
        name = "engine",
        mixinStandardHelpOptions = true,
        description =
                "Engine throughput against a bare KafkaConsumer on the same topic, and event-to-alert latency under a steady load")
@SuppressWarnings("deprecation")
final class EngineBench implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--events",
            converter = AtLeastOne.class,
            description = "telemetry events for the throughput run (default ${DEFAULT-VALUE})")
    int events = 1_000_000;

    @Option(
            names = "--clusters",
            converter = AtLeastOne.class,
            description = "clusters (pairs) the events come from (default ${DEFAULT-VALUE})")
    int clusters = 1_000;

    @Option(
            names = "--rate",
            converter = AtLeastOne.class,
            description = "events/s of the steady load for the latency run (default ${DEFAULT-VALUE})")
    int rate = 2_000;

    @Option(
            names = "--steady",
            defaultValue = "30s",
            description = "how long the steady load runs (default ${DEFAULT-VALUE})")
    Duration steady;

    @Option(
            names = "--rules",
            paramLabel = "PATH",
            description = "rule files or directories to run instead of the default pack")
    List<Path> ruleFiles;

    @Option(
            names = "--no-rules",
            description = "run the engine with no rules: the cost of Kafka Streams and decoding alone")
    boolean noRules;

    @Option(
            names = "--threads",
            converter = AtLeastOne.class,
            description = "the engine's stream threads (default ${DEFAULT-VALUE})")
    int threads = 1;

    @Option(
            names = "--kafka",
            paramLabel = "KEY=VALUE",
            description = "a Kafka Streams setting for the engine, e.g. commit.interval.ms=500; repeatable")
    Map<String, String> kafkaSettings = new HashMap<>();

    @Option(
            names = "--data-dir",
            description = {
                "the broker's and engine's data, kept after the run; an empty or new directory, "
                        + "as nothing of an earlier run may count (default: a temporary directory, removed after)"
            })
    Path dataDir;

    /** How long the engine may go without evaluating an event before the bench gives up on it. */
    static final Duration STALL = Duration.ofMinutes(2);

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (dataDir != null && Files.isDirectory(dataDir)) {
            try (java.util.stream.Stream<Path> entries = Files.list(dataDir)) {
                if (entries.findAny().isPresent()) {
                    spec.commandLine()
                            .getErr()
                            .println("vigil bench engine: --data-dir " + dataDir + " is not empty: an earlier run's"
                                    + " events and offsets would count in this one; give an empty or new directory");
                    return 2;
                }
            }
        }
        TelemetryMix mix = new TelemetryMix(clusters);
        try (WorkDir dir = WorkDir.givenOrTemporary(dataDir, "vigil-bench-engine-");
                EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            kafka.createVigilTopics();
            String bootstrap = kafka.bootstrapServers();
            out.printf(
                    Locale.ROOT,
                    "engine bench: %,d telemetry events from %,d clusters (%,d nodes, %d kinds) on %d partitions%n",
                    events,
                    clusters,
                    clusters * 2,
                    5,
                    EmbeddedKafka.VIGIL_TOPIC_PARTITIONS.get(Topics.TELEMETRY));
            out.flush();
            long began = System.nanoTime();
            try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
                for (int i = 0; i < events; i++) {
                    TelemetryMix.Event e = mix.next(Instant.now());
                    producer.send(new ProducerRecord<>(Topics.TELEMETRY, e.cluster(), e.bytes()));
                }
                producer.flush();
            }
            double produced = seconds(began);
            out.printf(
                    Locale.ROOT,
                    "  produced in %.1f s (%,.0f events/s), %d alert-changing events among them%n",
                    produced,
                    events / produced,
                    mix.flips());

            double bare = bareConsumer(bootstrap);
            out.printf(Locale.ROOT, "  bare KafkaConsumer (read_committed, no processing) %,12.0f events/s%n", bare);
            out.flush();

            RuleSet rules = noRules
                    ? RuleSet.empty()
                    : ruleFiles != null ? io.vigil.rules.rule.RuleLoader.load(ruleFiles) : DefaultRulePack.load();
            Map<String, Object> streamsSettings = new HashMap<>(kafkaSettings);
            streamsSettings.put("bootstrap.servers", bootstrap);
            EngineConfig config = new EngineConfig(
                    streamsSettings,
                    "vigil-bench-engine",
                    dir.resolve("engine"),
                    threads,
                    List.of(),
                    Roster.empty(),
                    EngineConfig.Defaults.TOPICS,
                    EngineTiming.DEFAULTS,
                    new EngineConfig.Http(new ListenAddress("127.0.0.1", 0), Optional.empty(), Optional.empty()));
            try (Engine engine = Engine.start(config, rules, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                if (!engine.awaitRunning(Duration.ofSeconds(120))) {
                    spec.commandLine()
                            .getErr()
                            .println("vigil bench engine: the engine did not start: " + engine.state());
                    return 1;
                }
                long start = System.nanoTime();
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                    waitEvaluated(events, () -> committed(admin, "vigil-bench-engine"), engine::state, STALL, out);
                } catch (Stalled e) {
                    spec.commandLine().getErr().println("vigil bench engine: " + e.getMessage());
                    return 1;
                }
                double engineRate = events / seconds(start);
                out.printf(
                        Locale.ROOT,
                        "  engine (exactly_once_v2, %d rules, %d thread%s)       %,12.0f events/s   ratio %.2f (target >= 0.50)%n",
                        rules.size(),
                        threads,
                        threads == 1 ? "" : "s",
                        engineRate,
                        engineRate / bare);
                out.flush();
                latency(bootstrap, mix, steady, out);
            }
        }
        return 0;
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Map<String, Object> props = new HashMap<>(Topics.producerGuarantees());
        props.put("bootstrap.servers", bootstrap);
        props.put("linger.ms", "10");
        props.put("batch.size", String.valueOf(256 * 1024));
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrap);
        props.put("isolation.level", "read_committed");
        props.put("max.poll.records", "2000");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private double bareConsumer(String bootstrap) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.TELEMETRY).stream()
                    .map(p -> new TopicPartition(Topics.TELEMETRY, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long read = 0;
            long start = System.nanoTime();
            while (read < events) {
                read += consumer.poll(Duration.ofMillis(500)).count();
            }
            return read / seconds(start);
        }
    }

    /** The telemetry offsets the engine's group has committed, summed over partitions: the events it has evaluated. */
    private static long committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        return committed.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(Topics.TELEMETRY) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset())
                .sum();
    }

    /** Counts what the engine has evaluated so far. */
    interface Evaluated {
        long count() throws Exception;
    }

    /** The engine stopped, or evaluated nothing for too long: the bench's figure would never come. */
    static final class Stalled extends Exception {
        Stalled(String message) {
            super(message);
        }
    }

    /**
     * Waits until the engine has evaluated {@code total} events, reporting progress every 10 s;
     * gives up when the engine stops running or evaluates nothing for {@code stall}.
     */
    static void waitEvaluated(
            long total, Evaluated evaluated, Supplier<KafkaStreams.State> engine, Duration stall, PrintWriter out)
            throws Exception {
        long lastReport = System.nanoTime();
        long done = -1;
        long lastProgress = System.nanoTime();
        while (true) {
            long now = evaluated.count();
            if (now >= total) {
                return;
            }
            if (now > done) {
                done = now;
                lastProgress = System.nanoTime();
            }
            KafkaStreams.State state = engine.get();
            if (state == KafkaStreams.State.ERROR
                    || state == KafkaStreams.State.NOT_RUNNING
                    || state == KafkaStreams.State.PENDING_ERROR
                    || state == KafkaStreams.State.PENDING_SHUTDOWN) {
                throw new Stalled(String.format(
                        Locale.ROOT,
                        "the engine stopped (%s) after %,d of %,d events; its log above says why",
                        state,
                        done,
                        total));
            }
            if (System.nanoTime() - lastProgress > stall.toNanos()) {
                throw new Stalled(String.format(
                        Locale.ROOT,
                        "the engine (%s) evaluated nothing for %s, at %,d of %,d events; given up",
                        state,
                        DurationText.format(stall),
                        done,
                        total));
            }
            if (System.nanoTime() - lastReport > Duration.ofSeconds(10).toNanos()) {
                lastReport = System.nanoTime();
                out.printf(Locale.ROOT, "    ... %,d of %,d evaluated%n", done, total);
                out.flush();
            }
            Thread.sleep(100);
        }
    }

    private void latency(String bootstrap, TelemetryMix mix, Duration steadyFor, PrintWriter out) throws Exception {
        List<Long> published = Collections.synchronizedList(new ArrayList<>());
        List<Long> readable = Collections.synchronizedList(new ArrayList<>());
        TopicFollower<Alert> reader = new TopicFollower<>(
                        bootstrap, Topics.ALERTS, b -> WireCodec.decode(b, Alert.class), alert -> {
                            long now = System.currentTimeMillis();
                            if (alert.change() == AlertChange.STATE
                                    && alert.cause().isPresent()) {
                                long ts = alert.cause().get().ts().toEpochMilli();
                                published.add(alert.sentAt().toEpochMilli() - ts);
                                readable.add(now - ts);
                            }
                        })
                .startAtEnd();
        Thread.sleep(1000);
        int flipsBefore = mix.flips();
        long start = System.nanoTime();
        long sent = 0;
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            while (System.nanoTime() - start < steadyFor.toNanos()) {
                long due = (long) ((System.nanoTime() - start) / 1e9 * rate);
                while (sent < due) {
                    TelemetryMix.Event e = mix.next(Instant.now());
                    producer.send(new ProducerRecord<>(Topics.TELEMETRY, e.cluster(), e.bytes()));
                    sent++;
                }
                producer.flush();
                Thread.sleep(5);
            }
        }
        Thread.sleep(3000);
        reader.close();
        out.printf(
                Locale.ROOT,
                "  steady load: %,d events/s for %s, %d alert-changing events%n",
                rate,
                DurationText.format(steadyFor),
                mix.flips() - flipsBefore);
        out.printf(
                Locale.ROOT,
                "  event -> alert published (engine clock):     %s (target p99 < 1 s)%n",
                Percentiles.of(published));
        out.printf(Locale.ROOT, "  event -> alert readable (read_committed):    %s%n", Percentiles.of(readable));
        out.flush();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
