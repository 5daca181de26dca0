package io.vigil.rules.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.events.AlertState;
import io.vigil.events.Silence;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.rules.alert.TrackedAlert;
import io.vigil.rules.api.AlertsApi;
import io.vigil.rules.api.SagasApi;
import io.vigil.rules.api.SilencesApi;
import io.vigil.rules.config.EngineConfig;
import io.vigil.rules.engine.RuleEvaluator;
import io.vigil.rules.engine.ScopeAlerts;
import io.vigil.rules.failover.ResourceFailovers;
import io.vigil.rules.failover.SagaPages;
import io.vigil.rules.notify.Notifier;
import io.vigil.rules.notify.Receiver;
import io.vigil.rules.rule.RuleSet;
import io.vigil.rules.rule.Severity;
import io.vigil.rules.silence.SilenceSchedule;
import io.vigil.service.http.HttpEndpoint;
import io.vigil.service.process.FatalErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.errors.UnknownStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One engine instance: the Kafka Streams application that evaluates the rules (exactly once,
 * state in changelogged stores, so any number of instances with the same application id share
 * the telemetry partitions and take over from one another), its HTTP API and its metrics.
 */
// the simpleclient Prometheus registry is deprecated upstream; the project chose it (text format 0.0.4)
@SuppressWarnings("deprecation")
public final class Engine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    /** No progress for this long (or ten evaluation intervals, if longer) while holding tasks: stuck. */
    private static final Duration STUCK_AFTER = Duration.ofSeconds(30);

    private final EngineConfig config;
    private final KafkaStreams streams;
    private final KafkaProducer<String, byte[]> silenceProducer;
    private final HttpEndpoint http;
    private final StoredSilences silences;
    private final SilenceReaper reaper;
    private final Optional<Notifier> notifier;
    private final GroupInstance instance;
    private final EngineMetrics metrics;
    private final StreamThreadFailures threadFailures;
    private final PartitionWatch partitionWatch;
    /** Why the engine stopped itself, once it did: said once, not again by the state listener. */
    private volatile Optional<String> stoppedBecause = Optional.empty();
    /**
     * Whether {@code streams.start()} returned: it restores the global silences store first, in state
     * REBALANCING already, and until then the store holds part of the silences.
     */
    private volatile boolean streamsStarted;

    private Engine(
            EngineConfig config,
            RuleSet rules,
            PrometheusMeterRegistry registry,
            Consumer<String> console,
            Map<String, HttpEndpoint.Route> extraRoutes)
            throws IOException {
        this.config = config;
        Optional<String> token = readToken(config);
        VigilTopics.ensure(config.kafka(), config.topics());
        boolean failover = config.failover().isPresent();
        PartitionLayout.Reset reset =
                new PartitionLayout.Reset(config.kafka().get("bootstrap.servers"), config.applicationId());
        // fixed for this engine's life: when Kafka's count changes the engine stops (stopsFor), it never ticks with a
        // stale one
        int partitions =
                PartitionWatch.checkAtStart(config.kafka(), reset, failover, EngineStores.changelogged(failover));
        instance = GroupInstance.of(config.stateDir());
        metrics = new EngineMetrics(registry, rules);
        DeadLetters deadLetters = DeadLetters.forKafka(config.kafka());
        RefusedSizes refused = new RefusedSizes();
        threadFailures = new StreamThreadFailures(System::nanoTime, refused::takeAvoidedRefusal);
        streams = new KafkaStreams(
                EngineTopology.build(
                        rules,
                        config.roster(),
                        config.timing(),
                        config.limits(),
                        partitions,
                        metrics,
                        deadLetters,
                        refused,
                        config.failover()
                                .map(f -> FailoverProcessor.FailoverSetup.of(
                                        f,
                                        config.timing().resendInterval(),
                                        config.timing().lease()))),
                streamsProperties(metrics, refused));
        streams.setUncaughtExceptionHandler(this::threadDied);
        streams.setStateListener((now, before) -> {
            log.info("engine {} -> {}", before, now);
            if (now == KafkaStreams.State.ERROR && stoppedBecause.isEmpty()) {
                FatalErrors.fatal("engine " + config.applicationId()
                        + " stopped evaluating (its stream threads failed; see above)");
            }
        });
        Map<String, Object> producer = new HashMap<>(config.kafka());
        producer.putAll(Topics.producerGuarantees());
        producer.put("client.id", config.applicationId() + "-silences");
        silenceProducer = new KafkaProducer<>(producer, new StringSerializer(), new ByteArraySerializer());
        silences = new StoredSilences(
                () -> streams.store(StoreQueryParameters.fromNameAndType(
                        EngineStores.SILENCES, QueryableStoreTypes.<String, byte[]>keyValueStore())),
                System::currentTimeMillis);
        SilencesApi silencesApi = new SilencesApi(this::silences, this::writeSilence, token, Clock.systemUTC());
        AlertsApi alertsApi =
                new AlertsApi(this::localAlerts, this::peers, config.timing().lease(), Clock.systemUTC());
        // the silences' producer serves the commands too: both are idempotent writes of the API
        SagasApi sagasApi = new SagasApi(
                this::localSagas, this::peers, new FailoverCommands(silenceProducer), token, Clock.systemUTC());
        HttpEndpoint endpoint = null;
        PartitionWatch watch = null;
        try {
            // bound before the streams start: a port in use stops the engine before it has done anything
            endpoint = HttpEndpoint.serve(
                    registry,
                    config.http().listen().socketAddress(),
                    withExtraRoutes(
                            Map.of(
                                    "/api/alerts", alertsApi,
                                    "/api/silences", silencesApi.collection(),
                                    "/api/silences/", silencesApi.single(),
                                    "/api/sagas", sagasApi.list(),
                                    "/api/sagas/", sagasApi.approve(),
                                    "/api/failback/", sagasApi.failback()),
                            extraRoutes));
            bindGauges(registry, rules);
            instance.leave(config.kafka(), config.applicationId(), "left behind by a previous run");
            // before the threads start: one that dies asks it whether the partitions changed
            watch = PartitionWatch.start(config.kafka(), reset, failover, partitions, PartitionWatch.INTERVAL, why -> {
                if (stopsFor(why)) {
                    // where FatalErrors does not end the process (a library, a test) the engine stops evaluating all
                    // the same
                    streams.close(Duration.ZERO);
                }
            });
            partitionWatch = watch;
            streams.start();
            streamsStarted = true;
            notifier = config.notifications().map(n -> {
                Map<String, Receiver> receivers = new LinkedHashMap<>();
                n.receivers().forEach(spec -> receivers.put(spec.name(), spec.receiver(console)));
                return new Notifier(
                                n,
                                config.kafka(),
                                config.applicationId() + "-notifier",
                                Optional.of(instance.id()),
                                receivers,
                                registry,
                                Clock.systemUTC())
                        .start();
            });
        } catch (RuntimeException e) {
            // whatever started is stopped: a failed start leaves nothing running behind it
            if (endpoint != null) {
                endpoint.close();
            }
            if (watch != null) {
                watch.close();
            }
            silenceProducer.close(Duration.ZERO);
            streams.close(Duration.ZERO);
            throw e;
        }
        http = endpoint;
        reaper = SilenceReaper.start(silences, silenceProducer);
        log.info(
                "engine {} started: {} rules on {} telemetry partitions, {} stream thread(s); API and /metrics on {}",
                config.applicationId(),
                rules.size(),
                partitions,
                config.streamThreads(),
                http.baseUrl());
    }

    private static Optional<String> readToken(EngineConfig config) throws IOException {
        if (config.http().tokenFile().isEmpty()) {
            return Optional.empty();
        }
        String token = Files.readString(config.http().tokenFile().get(), StandardCharsets.UTF_8)
                .strip();
        if (token.isEmpty()) {
            throw new IllegalStateException(
                    "the API token file " + config.http().tokenFile().get()
                            + " is empty: it would let anyone change silences or approve a failover (put a random secret in it)");
        }
        return Optional.of(token);
    }

    /** Checks and creates the topics, starts the streams application and the HTTP side; returns at once. */
    public static Engine start(EngineConfig config, RuleSet rules, PrometheusMeterRegistry registry) {
        return start(config, rules, registry, line -> log.info("console receiver: {}", line));
    }

    /** The same, its API serving {@code extraRoutes} beside its own (see below). */
    public static Engine start(
            EngineConfig config,
            RuleSet rules,
            PrometheusMeterRegistry registry,
            Map<String, HttpEndpoint.Route> extraRoutes) {
        return start(config, rules, registry, line -> log.info("console receiver: {}", line), extraRoutes);
    }

    /** The same, with console receivers writing to {@code console} (the lab's screen). */
    public static Engine start(
            EngineConfig config, RuleSet rules, PrometheusMeterRegistry registry, Consumer<String> console) {
        return start(config, rules, registry, console, Map.of());
    }

    /**
     * The same, its API serving {@code extraRoutes} beside its own: what the process that runs the
     * engine adds (the history's /api/history/*), so that the engine needs to know nothing of it.
     */
    public static Engine start(
            EngineConfig config,
            RuleSet rules,
            PrometheusMeterRegistry registry,
            Consumer<String> console,
            Map<String, HttpEndpoint.Route> extraRoutes) {
        try {
            return new Engine(config, rules, registry, console, extraRoutes);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot read the API token " + config.http().tokenFile().orElseThrow() + ": " + e.getMessage(), e);
        }
    }

    /** The engine's routes and the extra ones; an extra route may not take an engine path, nor one its prefix routes answer. */
    static Map<String, HttpEndpoint.Route> withExtraRoutes(
            Map<String, HttpEndpoint.Route> own, Map<String, HttpEndpoint.Route> extra) {
        Map<String, HttpEndpoint.Route> all = new LinkedHashMap<>(own);
        for (Map.Entry<String, HttpEndpoint.Route> e : extra.entrySet()) {
            String path = e.getKey();
            boolean taken = own.keySet().stream().anyMatch(p -> p.equals(path) || p.endsWith("/") && path.startsWith(p))
                    || path.equals("/metrics");
            if (taken || !path.startsWith("/api/")) {
                throw new IllegalArgumentException("the engine's API cannot add the route " + path
                        + (taken ? ": the engine answers it already" : ": an added route lives under /api/"));
            }
            all.put(path, e.getValue());
        }
        return all;
    }

    private StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse threadDied(Throwable e) {
        metrics.threadFailed();
        // Kafka Streams' own way of meeting new partitions is a thread that dies of "invalid partitions" at each
        // rebalance
        Optional<String> changed = stoppedBecause.isPresent() ? stoppedBecause : partitionChange();
        if (changed.isPresent()) {
            stopsFor(changed.get());
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse response = threadFailures.onDeath(e);
        if (response == StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD) {
            log.error("an engine thread died and is replaced; its tasks resume from their stores", e);
            // (this runs on the dying thread) its static member would hold its partitions until its session times out
            instance.leaveThread(
                    config.kafka(),
                    config.applicationId(),
                    Thread.currentThread().getName(),
                    "its thread died");
        } else {
            log.error(
                    "an engine thread died ({}); the engine stops rather than evaluate nothing",
                    StreamThreadFailures.isFatal(e)
                            ? "of an error the JVM cannot recover from"
                            : StreamThreadFailures.MAX_FAILURES + " deaths within "
                                    + StreamThreadFailures.WINDOW.toMinutes() + " minutes",
                    e);
        }
        return response;
    }

    private Optional<String> partitionChange() {
        try {
            return partitionWatch.change();
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }

    /**
     * A source topic's partition count changed under the running engine: it stops (and, run by a
     * command, exits non-zero) with what happened and what to do, rather than evaluate with a count
     * its tasks no longer match. Says it once; returns whether this was the first time.
     */
    private synchronized boolean stopsFor(String why) {
        if (stoppedBecause.isPresent()) {
            return false;
        }
        stoppedBecause = Optional.of(why);
        FatalErrors.fatal("engine " + config.applicationId() + " stops: " + why);
        return true;
    }

    private Properties streamsProperties(EngineMetrics metrics, RefusedSizes refused) {
        Properties p = new Properties();
        p.putAll(config.kafka());
        Object guarantee = p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
        if (guarantee != null && !StreamsConfig.EXACTLY_ONCE_V2.equals(guarantee)) {
            log.warn(
                    "kafka.processing.guarantee: {} is ignored; the engine runs exactly_once_v2 so no alert is lost or sent twice",
                    guarantee);
        }
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        p.putIfAbsent(
                StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.topics().replicationFactor());
        config.http().advertise().ifPresent(a -> p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, a));
        // a record Kafka refuses is skipped and counted, not retried by a thread that dies on it for ever
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, UndeliverableRecords.class);
        p.put(UndeliverableRecords.METRICS_CONFIG, metrics);
        p.put(UndeliverableRecords.REFUSED_CONFIG, refused);
        p.putIfAbsent(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instance.id()); // a restart takes its place back at once
        return p;
    }

    private void bindGauges(PrometheusMeterRegistry registry, RuleSet rules) {
        Map<String, Severity> known = new LinkedHashMap<>();
        rules.all().forEach(rule -> known.put(rule.name(), rule.severity()));
        known.putAll(RuleEvaluator.ownAlerts());
        if (config.failover().isPresent()) {
            SagaPages.NAMES.forEach(page -> known.put(page, SagaPages.SEVERITY));
            // a failover's counters and duration are there from the start, at zero, before the first one runs
            metrics.failover().initialise();
        }
        AlertGauges.bind(
                registry, config.roster().clusters().keySet(), known, this::heldAlerts, System::currentTimeMillis);
        Gauge.builder("vigil_engine_consumer_lag_records", this, Engine::consumerLag)
                .description(
                        "telemetry records not yet read by this instance, summed over its partitions; NaN while unknown")
                .register(registry);
        Gauge.builder("vigil_engine_running", this, e -> e.evaluating() ? 1 : 0)
                .description("1 while the engine evaluates: its streams application runs and its tasks make progress; "
                        + "0 while it starts, rebalances, has failed or is stuck")
                .register(registry);
        Gauge.builder("vigil_engine_silences_active", this, e -> e.activeSilences())
                .description("silences and maintenance windows muting now; NaN while unknown")
                .register(registry);
    }

    /**
     * Whether the engine evaluates: running, and, where it has tasks, one of them made progress
     * lately (each ticks every evaluation interval, records or not). A stream thread that dies on
     * every record leaves the state RUNNING; this does not.
     */
    private boolean evaluating() {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return false;
        }
        if (activeTelemetryPartitions().isEmpty()) {
            return true;
        }
        long stuckAfter = Math.max(
                STUCK_AFTER.toMillis(),
                10 * config.timing().evaluationInterval().toMillis());
        return metrics.progressedAt().stream().anyMatch(at -> System.currentTimeMillis() - at <= stuckAfter);
    }

    /** The alerts pending and firing on this instance: the rules' and Vigil's own, and the failover's pages; throws while not ready. */
    private List<AlertGauges.Held> heldAlerts() {
        List<AlertGauges.Held> held = new ArrayList<>();
        for (TrackedAlert a : localAlerts()) {
            if (a.state() == AlertState.PENDING || a.state() == AlertState.FIRING) {
                held.add(new AlertGauges.Held(
                        a.labels().getOrDefault("cluster", ""),
                        a.labels().getOrDefault("alertname", a.rule()),
                        a.labels().getOrDefault("severity", ""),
                        a.state()));
            }
        }
        // a resource's pages are about its saga: the current one, or the one that ended last
        localSagas()
                .ifPresent(resources -> resources.forEach(r -> r.current()
                        .or(() -> r.recent().stream().findFirst())
                        .ifPresent(saga -> r.pages()
                                .keySet()
                                .forEach(page -> held.add(new AlertGauges.Held(
                                        saga.cluster(), page, SagaPages.SEVERITY.wire(), AlertState.FIRING))))));
        return held;
    }

    /** NaN while unknown: the engine not running (starting, rebalancing, stopped) or a partition not yet measured. */
    private double consumerLag() {
        // while it starts or rebalances its partitions are not settled, and a stopped engine reads nothing
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return Double.NaN;
        }
        try {
            return TelemetryLag.of(activeTelemetryPartitions(), streams.metrics());
        } catch (IllegalStateException | InvalidStateStoreException e) {
            return Double.NaN; // it stopped running between the two reads
        }
    }

    /** NaN while unknown: the silences store not restored yet (the engine starting) or gone (stopped). */
    private double activeSilences() {
        KafkaStreams.State state = streams.state();
        // StoredSilences keeps its last read for a second: a stopped engine would show a stale count
        if (!streamsStarted || state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            return Double.NaN;
        }
        try {
            Instant now = Instant.now();
            return silences().stream()
                    .filter(s -> SilenceSchedule.activeAt(s, now))
                    .count();
        } catch (InvalidStateStoreException e) {
            return Double.NaN;
        }
    }

    /** The alerts this instance holds (pending, firing, recently resolved); throws while it is not ready. */
    public List<TrackedAlert> localAlerts() {
        return ScopeAlerts.held(localValues(EngineStores.SCOPES, ScopeAlerts.class, "an alert"));
    }

    /**
     * The failovers this instance holds (current and recently ended sagas per resource); empty when
     * the engine runs without failover (its topology has no sagas store); throws while not ready.
     */
    private Optional<List<ResourceFailovers>> localSagas() {
        try {
            return Optional.of(localValues(EngineStores.FAILOVER_SAGAS, ResourceFailovers.class, "a failover"));
        } catch (UnknownStateStoreException e) {
            return Optional.empty();
        }
    }

    /**
     * The values of the store {@code name} in this instance's active tasks; none when it runs but
     * holds no task of that store; throws {@link IllegalStateException} while it is not ready.
     * {@code what}: "an alert", for the error.
     */
    private <T> List<T> localValues(String name, Class<T> type, String what) {
        List<T> values = new ArrayList<>();
        try {
            ReadOnlyKeyValueStore<String, byte[]> store =
                    streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
            try (KeyValueIterator<String, byte[]> it = store.all()) {
                while (it.hasNext()) {
                    values.add(WireCodec.decode(it.next().value, type));
                }
            }
        } catch (UnknownStateStoreException e) {
            throw e;
        } catch (InvalidStateStoreException e) {
            // with more instances than partitions a running instance may hold no task of the store, and Kafka Streams
            // then says the store "may have migrated": it holds nothing, which is an answer, not "not ready"
            if (streams.state() == KafkaStreams.State.RUNNING) {
                return List.of();
            }
            throw new IllegalStateException(
                    "the engine is not ready (" + streams.state() + "): try again in a few seconds", e);
        } catch (io.vigil.events.DecodeException e) {
            throw new IllegalStateException(what + " store value cannot be read: " + e.getMessage(), e);
        }
        return values;
    }

    private Collection<Silence> silences() {
        return silences.get();
    }

    private List<String> peers() {
        List<String> peers = new ArrayList<>();
        String self = config.http().advertise().orElse("");
        for (var metadata : new HashSet<>(streams.metadataForAllStreamsClients())) {
            String address =
                    metadata.hostInfo().host() + ":" + metadata.hostInfo().port();
            if (!address.equals(self) && metadata.hostInfo().port() > 0) {
                peers.add(address);
            }
        }
        return peers;
    }

    private void writeSilence(Silence silence) throws IOException {
        try {
            silenceProducer
                    .send(new ProducerRecord<>(Topics.SILENCES, silence.id(), WireCodec.encode(silence)))
                    .get(15, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the silence could not be written to " + Topics.SILENCES + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing the silence", e);
        }
    }

    /** Waits until the streams application runs (it has its partitions and restored its stores). */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
                return false;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** The telemetry partitions this instance evaluates now (its active tasks). */
    public List<Integer> activeTelemetryPartitions() {
        List<Integer> partitions = new ArrayList<>();
        streams.metadataForLocalThreads()
                .forEach(t -> t.activeTasks()
                        .forEach(task -> partitions.add(task.taskId().partition())));
        partitions.sort(null);
        return partitions;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** {@code http://HOST:PORT}: the API and /metrics. */
    public String apiUrl() {
        return http.baseUrl();
    }

    /** Whether this instance's notifier is the one notifying (empty when it has none). */
    public Optional<Boolean> notifying() {
        return notifier.map(Notifier::active);
    }

    @Override
    public void close() {
        partitionWatch.close();
        notifier.ifPresent(Notifier::close);
        http.close();
        reaper.close();
        streams.close(Duration.ofSeconds(30));
        instance.leave(config.kafka(), config.applicationId(), "stopping");
        silenceProducer.close(Duration.ofSeconds(5));
        log.info("engine {} stopped", config.applicationId());
    }
}
