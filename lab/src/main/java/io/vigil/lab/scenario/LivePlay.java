package io.vigil.lab.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandException;
import io.vigil.events.Action;
import io.vigil.events.ActionSeals;
import io.vigil.events.Alert;
import io.vigil.events.AlertChange;
import io.vigil.events.AuditEntry;
import io.vigil.events.EnvelopeCodec;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.lab.Lab;
import io.vigil.lab.LabSetup;
import io.vigil.lab.PageReceiver;
import io.vigil.lab.view.TopicFollower;
import io.vigil.rules.failover.SagaPhase;
import io.vigil.service.config.ConfigException;
import io.vigil.service.topology.ClusterTopology;
import io.vigil.service.topology.Topology;
import io.vigil.service.topology.TopologyLoader;
import io.vigil.sim.FaultOutcome;
import io.vigil.sim.SimulatedHost;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays a scenario on the live lab, on the wall clock: the real in-process broker (stopped and
 * started for kafka-down and kafka-up), the Kafka Streams engine in a JVM of its own (killed with
 * SIGKILL for engine-crash, stopped cleanly for engine-restart, and started again over its state
 * each time), the agents with their production executors (closed and started again over their
 * spools and journals), and pages through the notifier to a webhook receiver. The invariants are
 * checked against the simulated pair four times a second. Unlike the rig, the timing is the
 * machine's, so the timeline differs from run to run; the final state and the invariants are
 * what a live play is judged by.
 */
public final class LivePlay implements Stage {
    private static final Logger log = LoggerFactory.getLogger(LivePlay.class);
    private static final Duration CHECK = Duration.ofMillis(250);
    /** Checks an audited change may take to be read back (the checker reads the topics as a viewer): ten seconds. */
    private static final int EXPLAIN_WITHIN = 40;

    private static final Duration SETTLE = Duration.ofSeconds(120);

    /**
     * When a live story stops: at its schedule's end, as `vigil lab --scenario --live` plays it, or
     * as soon as it has settled after its last step (see {@link Settling}), its end being then the
     * latest it may play: what a test judges at the end is the same, without the quiet minute.
     */
    public enum Ending {
        AT_END,
        ONCE_SETTLED
    }

    private final Scenario scenario;
    private final ClusterTopology cluster;
    private final Lab lab;
    private final PageReceiver receiver;
    private final Consumer<String> progress;
    private final ScenarioRunner.StepWatch watch;
    /** Lines as they were seen, each with its time; sorted by time at the end, as records reach the checker out of order. */
    private final List<Stamped> timeline = Collections.synchronizedList(new ArrayList<>());

    private final List<Action> sent = Collections.synchronizedList(new ArrayList<>());
    private final List<AuditEntry> audit = Collections.synchronizedList(new ArrayList<>());
    /** What the followers read, handed to the checking thread: the invariants are kept by one thread. */
    private final Queue<Action> newActions = new ConcurrentLinkedQueue<>();

    private final Queue<Seen> newRecords = new ConcurrentLinkedQueue<>();
    private final Map<String, String> alertNames = Collections.synchronizedMap(new TreeMap<>());
    private final Invariants invariants;
    private final Ending ending;
    private final Settling settling;
    /** When each node's telemetry was last read, and when the last step of the schedule was applied. */
    private final Map<String, Instant> heard = new TreeMap<>();

    private Instant lastStep = Instant.MIN;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile Instant start = Instant.now();
    private int pagesShown;

    private LivePlay(
            Scenario scenario,
            ClusterTopology cluster,
            Lab lab,
            PageReceiver receiver,
            Consumer<String> progress,
            ScenarioRunner.StepWatch watch,
            Ending ending) {
        this.watch = watch;
        this.ending = ending;
        this.settling = new Settling(lab.pair(), cluster);
        this.scenario = scenario;
        this.cluster = cluster;
        this.lab = lab;
        this.receiver = receiver;
        this.progress = progress;
        this.invariants = new Invariants(
                lab.pair(), cluster, () -> List.copyOf(sent), () -> List.copyOf(audit), EXPLAIN_WITHIN, 0);
    }

    /**
     * Plays {@code scenario} in a lab whose data lives in {@code work}; {@code progress} gets a
     * line as each part starts and as each step is applied. Throws IllegalArgumentException for a
     * topology that does not load or does not fit the lab's pair.
     */
    public static ScenarioReport play(Scenario scenario, Path work, Consumer<String> progress)
            throws InterruptedException {
        return play(scenario, work, progress, ScenarioRunner.StepWatch.NONE);
    }

    /** The same, reporting to {@code watch} after each step of the schedule and each check, and stopping when it says so. */
    public static ScenarioReport play(
            Scenario scenario, Path work, Consumer<String> progress, ScenarioRunner.StepWatch watch)
            throws InterruptedException {
        return play(scenario, work, progress, watch, Ending.AT_END);
    }

    /** The same, stopping as {@code ending} says. */
    public static ScenarioReport play(
            Scenario scenario, Path work, Consumer<String> progress, ScenarioRunner.StepWatch watch, Ending ending)
            throws InterruptedException {
        ClusterTopology cluster = thePair(scenario);
        try (PageReceiver receiver = PageReceiver.start();
                Lab lab = Lab.start(
                        work,
                        LabSetup.DEFAULT
                                .withTopology(scenario.topologyText())
                                .withPageWebhook(receiver.url())
                                .withEngineInOwnJvm())) {
            LivePlay play = new LivePlay(scenario, cluster, lab, receiver, progress, watch, ending);
            return play.run();
        }
    }

    private static ClusterTopology thePair(Scenario scenario) {
        Topology topology;
        try {
            topology = TopologyLoader.parse(scenario.topologyFile(), scenario.topologyText())
                    .topology();
        } catch (ConfigException e) {
            throw new IllegalArgumentException("scenario " + scenario.name() + ": " + e.getMessage(), e);
        }
        if (topology.clusters().size() != 1) {
            throw new IllegalArgumentException(
                    "scenario " + scenario.name() + ": its topology must name one cluster, the lab's pair");
        }
        return topology.clusters().values().iterator().next();
    }

    private ScenarioReport run() throws InterruptedException {
        // each action opened with its node's key, as that node's agent opens it
        ActionSeals seals = lab.failover().seals();
        String bootstrap = lab.broker().bootstrapServers();
        Map<String, Integer> bootsBefore = new TreeMap<>();
        cluster.vms().keySet().forEach(vm -> bootsBefore.put(vm, lab.pair().boots(vm)));
        try (TopicFollower<Alert> alerts = new TopicFollower<>(
                                bootstrap, Topics.ALERTS, b -> WireCodec.decode(b, Alert.class), this::shown)
                        .start();
                TopicFollower<AuditEntry> trail = new TopicFollower<>(
                                bootstrap, Topics.AUDIT, b -> WireCodec.decode(b, AuditEntry.class), this::audited)
                        .start();
                TopicFollower<Action> actions =
                        new TopicFollower<>(bootstrap, Topics.ACTIONS, seals::open, newActions::add).start();
                TopicFollower<Seen> telemetry = new TopicFollower<>(
                                bootstrap,
                                Topics.TELEMETRY,
                                b -> {
                                    var envelope = EnvelopeCodec.decode(b);
                                    return new Seen(envelope.node(), envelope.seq());
                                },
                                newRecords::add)
                        .start()) {
            settle();
            start = Instant.now();
            progress.accept(
                    "playing " + scenario.name() + " for " + scenario.end().toSeconds() + " s on the wall clock");
            for (Scenario.Timed timed : scenario.schedule()) {
                checkUntil(start.plus(timed.at()));
                if (watch.stop()) {
                    break;
                }
                apply(timed.step());
                lastStep = Instant.now();
            }
            if (ending == Ending.ONCE_SETTLED && !watch.stop()) {
                checkUntilSettled(start.plus(scenario.end()));
            } else {
                checkUntil(start.plus(scenario.end()));
            }
            List<ScenarioReport.SagaSummary> sagas = sagas();
            return FinalState.report(
                    scenario.name(),
                    lines(),
                    lab.pair(),
                    cluster,
                    bootsBefore,
                    sagas,
                    pages(),
                    invariants.violations());
        }
    }

    /** Waits until the engine runs and both agents have been heard, so that the story starts on a healthy pair. */
    private void settle() throws InterruptedException {
        progress.accept("waiting for the engine (its own JVM) and both agents");
        lab.engineApiUrl();
        Instant deadline = Instant.now().plus(SETTLE);
        while (!cluster.nodes().stream()
                .allMatch(n -> lab.picture()
                        .host(cluster.name(), n.name())
                        .flatMap(h -> h.heartbeat())
                        .isPresent())) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(
                        "the lab's agents were not heard within " + SETTLE.toSeconds() + " s; see the lab's log");
            }
            Thread.sleep(CHECK.toMillis());
        }
        // the engine's first reports of each host make its picture of a healthy pair
        Thread.sleep(5_000);
    }

    private void checkUntil(Instant until) throws InterruptedException {
        do {
            checkNow(false);
            watch.stepped(this);
            if (watch.stop()) {
                return;
            }
            long left = Duration.between(Instant.now(), until).toMillis();
            if (left > 0) {
                Thread.sleep(Math.min(left, CHECK.toMillis()));
            }
        } while (Instant.now().isBefore(until));
    }

    /** Checks until the story has settled after its last step, or until {@code end}, whichever comes first. */
    private void checkUntilSettled(Instant end) throws InterruptedException {
        while (Instant.now().isBefore(end)) {
            checkNow(false);
            watch.stepped(this);
            if (watch.stop()) {
                return;
            }
            if (settled()) {
                note("settled: nothing changed for " + Settling.QUIET.toSeconds()
                        + " s, no saga acting; the story ends here" + " (its end was "
                        + scenario.end().toSeconds() + " s)");
                return;
            }
            Thread.sleep(Math.max(
                    0, Math.min(Duration.between(Instant.now(), end).toMillis(), CHECK.toMillis())));
        }
    }

    private boolean settled() throws InterruptedException {
        Instant now = Instant.now();
        int lines = timeline.size();
        if (!settling.quiet(now, lastStep, lines) || invariants.awaitingExplanations() || !lab.engineServing()) {
            return false;
        }
        synchronized (heard) {
            if (!cluster.nodes().stream()
                    .allMatch(n -> heard.getOrDefault(n.name(), Instant.MIN).isAfter(lastStep))) {
                return false;
            }
        }
        return sagasAtRest();
    }

    /** Whether no saga on the engine is deciding or acting: each waits for the pair, a human, or nothing. */
    private boolean sagasAtRest() throws InterruptedException {
        try {
            JsonNode all = sagasJson();
            if (!all.path("sagas").isArray() || all.path("unreachable").size() > 0) {
                return false;
            }
            for (JsonNode saga : all.path("sagas")) {
                String word = saga.path("phase").asText();
                SagaPhase phase = java.util.Arrays.stream(SagaPhase.values())
                        .filter(p -> p.word().equals(word))
                        .findFirst()
                        .orElse(SagaPhase.DEGRADED);
                if (phase.acting() || phase == SagaPhase.DEGRADED) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void checkNow(boolean byHand) {
        String at =
                String.format("%.1fs", Duration.between(start, Instant.now()).toMillis() / 1000.0);
        for (Action action = newActions.poll(); action != null; action = newActions.poll()) {
            sent.add(action);
            note(action.issuedAt(), "action  " + action.describe());
            invariants.sent(at, action.id()).forEach(v -> note("VIOLATION " + v));
        }
        for (Seen record = newRecords.poll(); record != null; record = newRecords.poll()) {
            synchronized (heard) {
                heard.put(record.node(), Instant.now());
            }
            invariants.received(at, record.node(), record.seq()).forEach(v -> note("VIOLATION " + v));
        }
        invariants.check(at, byHand).forEach(v -> note("VIOLATION " + v));
        List<PageReceiver.Page> pages = receiver.pages();
        for (int i = pagesShown; i < pages.size(); i++) {
            PageReceiver.Page page = pages.get(i);
            note(
                    page.at(),
                    "page    " + page.alertname() + " " + page.status() + " "
                            + page.labels().entrySet().stream()
                                    .filter(e -> List.of("node", "resource", "device", "vm")
                                            .contains(e.getKey()))
                                    .map(e -> e.getKey() + "=" + e.getValue())
                                    .collect(Collectors.joining(" ")));
        }
        pagesShown = pages.size();
    }

    private void apply(ScenarioStep step) throws InterruptedException {
        progress.accept(String.format(
                "%6.1fs %s", Duration.between(start, Instant.now()).toMillis() / 1000.0, step.describe()));
        if (step instanceof ScenarioStep.InjectFault f) {
            FaultOutcome outcome = lab.inject(f.fault());
            note("fault   " + f.fault() + (outcome.applied() ? "" : " (not applied: " + outcome.message() + ")"));
            watch.applied(step, Optional.of(outcome), this);
            return;
        } else if (step instanceof ScenarioStep.Approve a) {
            String saga = currentSaga(a.resource());
            note("command approve "
                    + (saga.isEmpty()
                            ? a.resource() + " (no saga to approve)"
                            : saga + ": " + post("/api/sagas/" + saga + "/approve")));
        } else if (step instanceof ScenarioStep.Failback f) {
            note("command failback " + f.resource() + ": "
                    + post("/api/failback/" + enc(cluster.name()) + "/" + enc(f.resource())));
        } else if (step instanceof ScenarioStep.RestartEngine) {
            if (lab.stopEngine()) {
                note("engine  stopped cleanly (SIGTERM); another instance starts over its state");
            }
            lab.startEngine();
        } else if (step instanceof ScenarioStep.CrashEngine) {
            if (lab.killEngine()) {
                note("engine  killed with SIGKILL; another instance starts over its state");
            }
            lab.startEngine();
        } else if (step instanceof ScenarioStep.Agent agent) {
            if (agent.running() && lab.startAgent(agent.node())) {
                // before any of its records is drained: they reach this thread only at the next check
                invariants.agentRestarted(agent.node());
                note("agent   " + agent.node() + " started again");
            } else if (!agent.running() && lab.killAgent(agent.node())) {
                note("agent   " + agent.node() + " killed");
            }
        } else if (step instanceof ScenarioStep.Kafka k) {
            if (k.up() && lab.startBroker()) {
                note("kafka   broker started again: agents send their spools, the engine goes on");
            } else if (!k.up() && lab.stopBroker()) {
                note("kafka   broker stopped: agents spool, the engine and the executors wait");
            }
        } else if (step instanceof ScenarioStep.Operator o) {
            SimulatedHost host = lab.pair()
                    .host(o.node())
                    .orElseThrow(() -> new IllegalArgumentException("no host " + o.node() + " in the lab"));
            try {
                var result = host.run(Command.of(o.argv().toArray(String[]::new)), Duration.ofSeconds(30));
                note("operator " + o.node() + ": " + String.join(" ", o.argv()) + " (exit " + result.exitCode() + ")");
            } catch (CommandException e) {
                note("operator " + o.node() + ": " + String.join(" ", o.argv()) + " failed: " + e.getMessage());
            }
            checkNow(true);
        }
        watch.applied(step, Optional.empty(), this);
    }

    /** The newest saga the audit trail names for RESOURCE: the one a human would approve. */
    private String currentSaga(String resource) {
        synchronized (audit) {
            for (int i = audit.size() - 1; i >= 0; i--) {
                if (audit.get(i).resource().equals(resource)) {
                    return audit.get(i).sagaId();
                }
            }
        }
        return "";
    }

    private String post(String path) throws InterruptedException {
        try {
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(URI.create(lab.engineApiUrl() + path))
                            .header("Authorization", "Bearer " + token())
                            .timeout(Duration.ofSeconds(10))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return "HTTP " + answer.statusCode();
        } catch (IOException e) {
            return "not sent (" + e.getMessage() + ")";
        }
    }

    private String token() throws IOException {
        return Files.readString(lab.failover().apiToken(), StandardCharsets.UTF_8)
                .strip();
    }

    private static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8);
    }

    /** The sagas as the engine holds them at the end, each phase with its time, as the rig reports them. */
    private List<ScenarioReport.SagaSummary> sagas() throws InterruptedException {
        JsonNode all;
        try {
            all = sagasJson();
        } catch (IOException e) {
            note("sagas   not read from the engine: " + e.getMessage());
            return List.of();
        }
        List<ScenarioReport.SagaSummary> sagas = new ArrayList<>();
        Instant end = Instant.now();
        for (JsonNode saga : all.isArray() ? all : all.path("sagas")) {
            List<ScenarioReport.PhaseTime> phases = new ArrayList<>();
            JsonNode history = saga.path("history");
            boolean ended = !saga.path("current").asBoolean(true);
            for (int i = 0; i < history.size(); i++) {
                Instant from = Instant.parse(history.get(i).path("at").asText());
                Instant until = i + 1 < history.size()
                        ? Instant.parse(history.get(i + 1).path("at").asText())
                        : ended ? from : end;
                phases.add(new ScenarioReport.PhaseTime(
                        history.get(i).path("phase").asText(),
                        Math.round(Duration.between(from, until).toMillis() / 100.0) / 10.0));
            }
            sagas.add(new ScenarioReport.SagaSummary(
                    saga.path("sagaId").asText(),
                    saga.path("resource").asText(),
                    saga.path("way").asText(),
                    saga.path("phase").asText(),
                    phases));
        }
        return sagas;
    }

    /** The engine's answer to GET /api/sagas. */
    private JsonNode sagasJson() throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(
                HttpRequest.newBuilder(URI.create(lab.engineApiUrl() + "/api/sagas"))
                        .header("Authorization", "Bearer " + token())
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return WireCodec.json().readTree(answer.body());
    }

    private List<ScenarioReport.Page> pages() {
        return receiver.pages().stream()
                .filter(p -> p.status().equals("firing"))
                .map(p -> new ScenarioReport.Page(
                        Duration.between(start, p.at()).toMillis() / 1000.0,
                        p.alertname(),
                        p.labels().getOrDefault("node", ""),
                        p.labels().getOrDefault("resource", "")))
                .toList();
    }

    private void shown(Alert alert) {
        alertNames.put(alert.fingerprint(), alert.rule());
        if (alert.change() == AlertChange.STATE || alert.change() == AlertChange.SUPPRESSION) {
            note(alert.sentAt(), AlertLine.of(alert, alertNames));
        }
    }

    private void audited(AuditEntry entry) {
        audit.add(entry);
        // an action is shown from vigil.actions itself; its audit entry says the same
        String text = entry.text().startsWith(entry.phase() + ": ")
                ? entry.text().substring(entry.phase().length() + 2)
                : entry.text();
        String line = switch (entry.kind()) {
            case DECISION -> "decision " + entry.sagaId() + " " + entry.phase() + ": " + text;
            case REFUSAL -> "refusal " + entry.sagaId() + " " + entry.phase() + ": " + text;
            case ACTION -> "";
            case RESULT -> "result  " + text;
            case PAGE -> "paged   " + entry.sagaId() + " " + entry.phase() + ": " + text;
            case COMMAND -> "command " + entry.sagaId() + ": " + text;
        };
        if (line.isEmpty()) {
            return;
        }
        note(entry.at(), line);
    }

    private void note(String line) {
        note(Instant.now(), line);
    }

    private void note(Instant at, String line) {
        timeline.add(new Stamped(at, line));
        if (line.startsWith("VIOLATION")) {
            log.warn("live scenario {}: {}", scenario.name(), line);
        }
    }

    @Override
    public io.vigil.sim.SimulatedPair pair() {
        return lab.pair();
    }

    @Override
    public Instant now() {
        return Instant.now();
    }

    @Override
    public double secondsSinceStart(Instant at) {
        return Duration.between(start, at).toMillis() / 1000.0;
    }

    @Override
    public List<String> violations() {
        return invariants.violations();
    }

    /** The pages as the receiver got them: an alert is known by its name and labels, as a human's phone knows it. */
    @Override
    public List<Stage.Paged> paged() {
        return receiver.pages().stream()
                .map(p -> new Stage.Paged(
                        new TreeMap<>(p.labels()).toString(),
                        p.labels(),
                        p.at(),
                        p.status().equals("firing"),
                        p.status().equals("resolved")))
                .toList();
    }

    @Override
    public boolean engineServing() {
        return lab.engineServing();
    }

    private List<String> lines() {
        List<Stamped> sorted;
        synchronized (timeline) {
            sorted = new ArrayList<>(timeline);
        }
        sorted.sort(Comparator.comparing(Stamped::at));
        // what happened while the lab settled (the agents' first reports) is not part of the story
        return sorted.stream()
                .filter(l -> !l.at().isBefore(start))
                .map(l -> String.format(
                        "%6.1fs %s", Duration.between(start, l.at()).toMillis() / 1000.0, l.line()))
                .toList();
    }

    private record Stamped(Instant at, String line) {}

    /** A telemetry record as the checker needs it: who sent it, and its seq. */
    private record Seen(String node, long seq) {}
}
