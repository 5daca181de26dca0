package io.vigil.lab;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.broker.EmbeddedKafka;
import io.vigil.collectors.Agent;
import io.vigil.collectors.ConfiguredProbes;
import io.vigil.collectors.config.AgentConfig;
import io.vigil.collectors.config.AgentConfigLoader;
import io.vigil.collectors.executor.ActionExecutor;
import io.vigil.collectors.executor.ExecutorSettings;
import io.vigil.collectors.publish.Spool;
import io.vigil.collectors.publish.TelemetryPublisher;
import io.vigil.events.Alert;
import io.vigil.events.AuditEntry;
import io.vigil.events.Envelope;
import io.vigil.events.EnvelopeCodec;
import io.vigil.events.LabelMatcher;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.lab.view.AlertBoard;
import io.vigil.lab.view.ClusterPicture;
import io.vigil.lab.view.FaultLog;
import io.vigil.lab.view.PageLog;
import io.vigil.lab.view.SagaBoard;
import io.vigil.lab.view.TopicFollower;
import io.vigil.rules.config.EngineConfig;
import io.vigil.rules.engine.EngineLimits;
import io.vigil.rules.engine.EngineTiming;
import io.vigil.rules.engine.Roster;
import io.vigil.rules.notify.NotifyConfig;
import io.vigil.rules.notify.ReceiverSpec;
import io.vigil.rules.notify.console.ConsoleSpec;
import io.vigil.rules.notify.dispatch.RouteSpec;
import io.vigil.rules.notify.webhook.WebhookSpec;
import io.vigil.rules.rule.DefaultRulePack;
import io.vigil.rules.stream.Engine;
import io.vigil.service.config.ConfigException;
import io.vigil.service.http.ListenAddress;
import io.vigil.service.terminal.TerminalText;
import io.vigil.service.topology.Topology;
import io.vigil.sim.Fault;
import io.vigil.sim.FaultOutcome;
import io.vigil.sim.SimulatedHost;
import io.vigil.sim.SimulatedPair;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lab, running: a real Kafka broker in process, the seed pair of simulated hosts, one
 * production agent per host (its probes answered by the simulated host, its events published
 * to the broker, its executor running the failover's actions against the host), the engine with
 * the default rule pack and the failover on (the lab's topology: mode auto, failback auto), and a
 * view that reads the cluster, its alerts and its sagas back from Kafka.
 */
@SuppressWarnings("deprecation") // the simpleclient Prometheus registry, as the agent uses it
public final class Lab implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Lab.class);
    private static final Duration TICK = Duration.ofMillis(250);

    private final EmbeddedKafka broker;
    private final SimulatedPair pair;
    /** Each host's agent while it runs; a killed one is absent until started again. */
    private final Map<String, RunningAgent> agents = new LinkedHashMap<>();

    private final Path dataDir;
    private final LabSetup setup;
    private final ClusterPicture picture = new ClusterPicture();
    private final AlertBoard alerts = new AlertBoard();
    private final SagaBoard sagas = new SagaBoard();
    private final PageLog pages = new PageLog();
    private final FaultLog faults = new FaultLog();
    private final LabFailover failover;
    /** The engine instance now; replaced by another over the same state when a scenario kills or restarts it. */
    private volatile LabEngine engine;

    private final TopicFollower<Envelope> telemetry;
    private final TopicFollower<Alert> alertFollower;
    private final TopicFollower<AuditEntry> auditFollower;
    private final ScheduledExecutorService clock;
    private final Instant started = Instant.now();
    /** What has been started, newest first: closed in that order, also when a later part fails to start. */
    private final Deque<AutoCloseable> parts = new ArrayDeque<>();

    /** One simulated host's agent and what it publishes through. */
    public record RunningAgent(String node, Agent agent, TelemetryPublisher publisher) {
        public String metricsUrl() {
            return "http://127.0.0.1:" + agent.metricsPort() + "/metrics";
        }
    }

    private Lab(Path dataDir, LabSetup setup) {
        this.dataDir = dataDir;
        this.setup = setup;
        try {
            broker = started(EmbeddedKafka.start(dataDir.resolve("kafka")));
            broker.createVigilTopics();
            failover = LabFailover.in(dataDir, setup.topologyText());
            pair = SimulatedPair.seed(Instant.now());
            clock = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lab-clock");
                t.setDaemon(true);
                return t;
            });
            parts.push(clock::shutdownNow);
            // the simulated hosts' time follows the wall clock, so resyncs take as long as they say
            clock.scheduleAtFixedRate(() -> pair.tick(TICK), TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
            // agents and engine are replaced while the lab runs: what is closed at the end is whichever runs then
            parts.push(this::closeAgents);
            for (SimulatedHost host : pair.hosts()) {
                startAgent(host.name());
            }
            parts.push(() -> engine.stop());
            engine = newEngine();
            telemetry = started(new TopicFollower<>(
                            broker.bootstrapServers(), Topics.TELEMETRY, EnvelopeCodec::decode, picture::accept)
                    .start());
            alertFollower = started(new TopicFollower<>(
                            broker.bootstrapServers(),
                            Topics.ALERTS,
                            b -> WireCodec.decode(b, Alert.class),
                            alerts::accept,
                            alerts::forget)
                    .start());
            auditFollower = started(new TopicFollower<>(
                            broker.bootstrapServers(),
                            Topics.AUDIT,
                            b -> WireCodec.decode(b, AuditEntry.class),
                            sagas::accept)
                    .start());
        } catch (RuntimeException | Error e) {
            log.error("the lab did not start ({}); closing what had started", e.toString());
            closeParts();
            throw e;
        }
        log.info(
                "lab started: broker {}, hosts {}, engine API {} (token in {})",
                broker.bootstrapServers(),
                pair.hosts().stream().map(SimulatedHost::name).toList(),
                engine.apiUrl(),
                failover.apiToken());
    }

    /** Starts the lab with its broker's data under {@code dataDir}. */
    public static Lab start(Path dataDir) {
        return new Lab(dataDir, LabSetup.DEFAULT);
    }

    /** The same, with critical alerts also sent to {@code pageWebhook} (Alertmanager's webhook payload), as `vigil bench page` has them. */
    public static Lab start(Path dataDir, URI pageWebhook) {
        return new Lab(dataDir, LabSetup.DEFAULT.withPageWebhook(pageWebhook));
    }

    /** Starts the lab as {@code setup} says: a scenario's topology, a page receiver, the engine in a JVM of its own. */
    public static Lab start(Path dataDir, LabSetup setup) {
        return new Lab(dataDir, setup);
    }

    private LabEngine newEngine() {
        if (setup.engineInOwnJvm()) {
            LabEngine.OwnJvm process = LabEngine.OwnJvm.start(
                    dataDir, broker.bootstrapServers(), setup.pageWebhook().map(URI::toString));
            log.info("lab engine starting in its own JVM, pid {}", process.pid());
            return process;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        LabHistory history = LabHistory.start(dataDir, broker.bootstrapServers(), registry);
        try {
            return new LabEngine.InThisJvm(
                    Engine.start(
                            engineConfig(
                                    broker.bootstrapServers(),
                                    dataDir.resolve("engine"),
                                    setup.pageWebhook(),
                                    failover),
                            DefaultRulePack.load(),
                            registry,
                            line -> pages.add(Instant.now(), line),
                            history.routes()),
                    history);
        } catch (RuntimeException e) {
            history.close();
            throw e;
        }
    }

    private <T extends AutoCloseable> T started(T part) {
        parts.push(part);
        return part;
    }

    /**
     * Starts NODE's agent over its spool and its executor's journal (kept across restarts: what
     * was spooled is sent, what was run is not run again); false when it runs already.
     */
    public boolean startAgent(String node) {
        SimulatedHost host =
                pair.host(node).orElseThrow(() -> new IllegalArgumentException("no host " + node + " in the lab"));
        synchronized (agents) {
            if (agents.containsKey(node)) {
                return false;
            }
            AgentConfig config = agentConfig(
                    node,
                    broker.bootstrapServers(),
                    dataDir.resolve("spool-" + node),
                    failover,
                    dataDir.resolve("executor-" + node));
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            TelemetryPublisher publisher = new TelemetryPublisher(
                    config.cluster(),
                    config.node(),
                    config.kafka(),
                    new Spool.Settings(config.spool().dir(), config.spool().maxBytes()),
                    registry);
            try {
                Agent agent = new Agent(
                        config,
                        ConfiguredProbes.of(config, host, host),
                        publisher,
                        registry,
                        host,
                        Clock.systemUTC(),
                        Optional.of(executor(config, host, publisher, registry)));
                agents.put(node, new RunningAgent(node, agent, publisher));
            } catch (RuntimeException e) {
                publisher.close();
                throw e;
            }
            return true;
        }
    }

    /**
     * Stops NODE's agent as a kill does to the process: it publishes nothing more and an action it
     * is running is cut off (reported failed by the agent started again, never run twice); false
     * when it was not running.
     */
    public boolean killAgent(String node) {
        RunningAgent gone;
        synchronized (agents) {
            gone = agents.remove(node);
        }
        if (gone == null) {
            return false;
        }
        gone.agent().close();
        gone.publisher().close();
        log.info("lab: agent of {} killed", node);
        return true;
    }

    private void closeAgents() {
        List<String> running;
        synchronized (agents) {
            running = List.copyOf(agents.keySet());
        }
        running.forEach(this::killAgent);
    }

    /** The engine instance dies without warning (SIGKILL when it runs in a JVM of its own); false when none runs. */
    public boolean killEngine() {
        return endEngine(true);
    }

    /** The engine instance is stopped cleanly, as by `systemctl stop`; false when none runs. */
    public boolean stopEngine() {
        return endEngine(false);
    }

    private boolean endEngine(boolean kill) {
        LabEngine now = engine;
        if (!now.alive()) {
            return false;
        }
        if (kill) {
            now.kill();
        } else {
            now.stop();
        }
        log.info("lab: engine {}", kill ? "killed" : "stopped");
        return true;
    }

    /** Another engine instance starts over the same state and group and resumes from the changelogs; false when one runs. */
    public synchronized boolean startEngine() {
        if (engine.alive()) {
            return false;
        }
        engine = newEngine();
        log.info("lab: engine started again");
        return true;
    }

    /** The broker is stopped (Kafka unreachable for everyone: agents spool, the engine waits); its data stays. False when it was not running. */
    public boolean stopBroker() {
        if (!broker.isRunning()) {
            return false;
        }
        broker.stop();
        return true;
    }

    /** The broker starts again on the same data and port; false when it was running. */
    public boolean startBroker() {
        if (broker.isRunning()) {
            return false;
        }
        broker.start();
        return true;
    }

    /** The production executor, as `vigil agent` builds it from its config, with the simulated host as its command runner. */
    private static ActionExecutor executor(
            AgentConfig config, SimulatedHost host, TelemetryPublisher publisher, PrometheusMeterRegistry registry) {
        ExecutorSettings settings = config.executor();
        try {
            return ActionExecutor.create(
                    config,
                    settings,
                    config.topology().orElse(Topology.EMPTY),
                    settings.key().orElseThrow().seal(Map.of()),
                    host,
                    publisher,
                    registry,
                    Clock.systemUTC());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "the executor of " + host.name() + " cannot open its journal in " + settings.journalDir() + " ("
                            + e.getMessage() + ")",
                    e);
        }
    }

    /**
     * The lab's engine: the seed pair expected (as lab-agent.yaml), the default rule pack, state
     * beside the broker's, and notifications to the screen: critical alerts at once, the others
     * grouped for a few seconds.
     */
    static EngineConfig engineConfig(String bootstrap, Path stateDir, Optional<URI> pageWebhook, LabFailover failover) {
        List<ReceiverSpec> receivers = new ArrayList<>(List.of(new ConsoleSpec("lab-screen", true)));
        List<RouteSpec> routes = new ArrayList<>();
        LabelMatcher critical = LabelMatcher.parse("severity=critical");
        routes.add(new RouteSpec(
                "lab-screen",
                List.of(critical),
                List.of("cluster", "alertname"),
                Duration.ZERO,
                Duration.ofSeconds(2),
                Duration.ofHours(1),
                pageWebhook.isPresent(),
                List.of()));
        pageWebhook.ifPresent(url -> {
            receivers.add(new WebhookSpec("bench-pager", url, Optional.empty(), 0, true, Duration.ofSeconds(5)));
            routes.add(new RouteSpec(
                    "bench-pager",
                    List.of(critical),
                    List.of("cluster", "alertname"),
                    Duration.ZERO,
                    Duration.ofSeconds(1),
                    Duration.ofHours(1),
                    false,
                    List.of()));
        });
        NotifyConfig notify = new NotifyConfig(
                receivers,
                new RouteSpec(
                        "lab-screen",
                        List.of(),
                        List.of("cluster", "alertname"),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(10),
                        Duration.ofHours(1),
                        false,
                        routes),
                "http://127.0.0.1",
                Duration.ofMinutes(1),
                Duration.ofMinutes(15));
        // The API listens on a free port, not the engine's usual 9465: the lab must not take that port from a real
        // engine on
        // this machine, nor race another lab or a test for it, and the silence commands must not reach a real engine
        // when
        // meant for the lab. The lab prints its URL; the silence commands take it with --engine.
        // The failover needs the API's token (approvals and failbacks change what the engine does): the lab's, made in
        // its data dir.
        return new EngineConfig(
                Map.of("bootstrap.servers", bootstrap),
                "vigil-lab-engine",
                stateDir,
                1,
                List.of(),
                new Roster(Map.of("pair-1", new Roster.ClusterSpec(List.of("node-a", "node-b"), Map.of()))),
                EngineConfig.Defaults.TOPICS,
                EngineTiming.DEFAULTS,
                new EngineConfig.Http(
                        new ListenAddress("127.0.0.1", 0), Optional.empty(), Optional.of(failover.apiToken())),
                Optional.of(notify),
                EngineLimits.DEFAULTS,
                Optional.of(failover.engineSection()));
    }

    /**
     * The lab's agent config for one host: lab-agent.yaml, read by the same loader as on a real host, so the topology is
     * checked against its resources and the executor's key read and measured as `vigil agent` does.
     */
    public static AgentConfig agentConfig(
            String node, String bootstrap, Path spool, LabFailover failover, Path journal) {
        try (InputStream in = Lab.class.getResourceAsStream("lab-agent.yaml")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("${node}", node)
                    .replace("${bootstrap}", bootstrap)
                    .replace("${spool}", spool.toAbsolutePath().toString())
                    .replace("${topology}", failover.topology().toAbsolutePath().toString())
                    .replace("${key}", failover.actionKey(node).toAbsolutePath().toString())
                    .replace("${journal}", journal.toAbsolutePath().toString());
            return AgentConfigLoader.parse("lab-agent.yaml", text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ConfigException e) {
            throw new IllegalStateException("the lab's own agent config is broken: " + e.getMessage(), e);
        }
    }

    /** Applies one fault line ("disk-fail node-a /dev/sda"); never throws, the outcome says what happened. */
    public FaultOutcome inject(String line) {
        return record(line.strip(), pair.inject(line));
    }

    /** Applies one fault; never throws, the outcome says what happened. */
    public FaultOutcome inject(Fault fault) {
        return record(fault.command(), pair.apply(fault));
    }

    private FaultOutcome record(String fault, FaultOutcome outcome) {
        faults.add(uptime(), fault, outcome);
        if (outcome.applied()) {
            log.info("fault injected: {} ({})", fault, outcome.message());
        } else {
            log.info("fault refused: {} ({})", TerminalText.of(fault), outcome.message());
        }
        return outcome;
    }

    public ClusterPicture picture() {
        return picture;
    }

    public AlertBoard alerts() {
        return alerts;
    }

    /** Each resource's latest failover, as read back from vigil.audit. */
    public SagaBoard sagas() {
        return sagas;
    }

    /** The faults the lab was given, and what came of each. */
    public FaultLog faults() {
        return faults;
    }

    /** What the lab's console receiver was told. */
    public PageLog pages() {
        return pages;
    }

    /** The engine when it runs in this JVM, as the lab runs it unless told otherwise. */
    public Engine engine() {
        if (engine instanceof LabEngine.InThisJvm inThisJvm) {
            return inThisJvm.engine();
        }
        throw new IllegalStateException("this lab's engine runs in a JVM of its own; ask engineApiUrl()");
    }

    /** Whether an engine instance runs and can page (false from a kill until its successor is up). */
    public boolean engineServing() {
        return engine.serving();
    }

    /** The engine API's URL (a restarted engine has a new one); waits while the engine starts. */
    public String engineApiUrl() {
        return engine.apiUrl();
    }

    /** The lab's topology, action keys (one per node) and API token files (what `vigil approve --token-file` takes). */
    public LabFailover failover() {
        return failover;
    }

    /** The agents running now. */
    public List<RunningAgent> agents() {
        synchronized (agents) {
            return List.copyOf(agents.values());
        }
    }

    public SimulatedPair pair() {
        return pair;
    }

    public EmbeddedKafka broker() {
        return broker;
    }

    public Duration uptime() {
        return Duration.between(started, Instant.now());
    }

    /** Closes every part, the last started first; a part that fails to close is logged and the others are closed still. */
    @Override
    public void close() {
        closeParts();
        log.info("lab stopped after {}s", uptime().toSeconds());
    }

    private void closeParts() {
        while (!parts.isEmpty()) {
            AutoCloseable part = parts.pop();
            try {
                part.close();
            } catch (Exception | Error e) {
                log.warn(
                        "lab: a part did not close cleanly ({}); closing the others",
                        part.getClass().getSimpleName(),
                        e);
            }
        }
    }
}
