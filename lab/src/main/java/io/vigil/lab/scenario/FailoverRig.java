package io.vigil.lab.scenario;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.collectors.ConfiguredProbes;
import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandException;
import io.vigil.collectors.config.AgentConfig;
import io.vigil.collectors.executor.ActionCommands;
import io.vigil.collectors.executor.ActionExecutor;
import io.vigil.collectors.executor.ActionJournal;
import io.vigil.collectors.executor.ActionRunner;
import io.vigil.collectors.executor.AllowList;
import io.vigil.collectors.heartbeat.HeartbeatProbe;
import io.vigil.collectors.probe.PolledProbe;
import io.vigil.collectors.probe.ProbeException;
import io.vigil.events.Action;
import io.vigil.events.ActionResult;
import io.vigil.events.ActionSeals;
import io.vigil.events.ActionType;
import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.events.AuditEntry;
import io.vigil.events.AuditKind;
import io.vigil.events.Body;
import io.vigil.events.Envelope;
import io.vigil.events.FailoverCommand;
import io.vigil.events.Hypervisor;
import io.vigil.events.ProbeHealth;
import io.vigil.lab.Lab;
import io.vigil.lab.LabFailover;
import io.vigil.rules.failover.FailoverOutput;
import io.vigil.rules.failover.ResourceFailovers;
import io.vigil.service.topology.ClusterTopology;
import io.vigil.service.topology.Topology;
import io.vigil.sim.FaultOutcome;
import io.vigil.sim.SimulatedHost;
import io.vigil.sim.SimulatedPair;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The failover played deterministically on the simulated pair, without Kafka or threads: each
 * step moves the pair's simulated clock, reads each answering host with the production parsers
 * (events2, virsh) as its agent would, hands the facts to the engine's failover logic, and
 * delivers the actions it sends, sealed, to each node's production executor, which runs them as
 * argv against the simulated host. The same schedule gives the same timeline, every time.
 */
public final class FailoverRig implements Stage, AutoCloseable {
    private final SimulatedPair pair;
    private final ClusterTopology cluster;
    private final Topology topology;
    private final RigEngine engine;
    private final Map<String, List<PolledProbe>> probes = new HashMap<>();
    private final Invariants invariants;
    private final Map<String, DrbdFollower> drbd = new HashMap<>();
    private final Map<String, Instant> nextPoll = new HashMap<>();
    private final Map<String, Instant> nextHeartbeat = new HashMap<>();
    private final Map<String, HeartbeatProbe> heartbeats = new HashMap<>();
    /** what the DRBD follower last made of its stream, for the heartbeat's probe health */
    private final Map<String, ProbeHealth> drbdHealth = new HashMap<>();

    private static final Duration HEARTBEAT = Duration.ofSeconds(2);
    /** The engine's keys, one per node, as the lab's files hold them: each executor has only its own node's. */
    private final ActionSeals seals;

    private final Map<String, ActionExecutor> executors = new LinkedHashMap<>();
    private final Deque<Action> queued = new ArrayDeque<>();
    private final List<Later> later = new ArrayList<>();
    private final Map<String, Instant> busyUntil = new HashMap<>();
    private final Set<String> agentsDown = new TreeSet<>();
    private final Path journals;
    private final LabFailover labFiles;
    private boolean crashDue;
    private boolean kafkaDown;
    private final List<Envelope> spooled = new ArrayList<>();
    private final Map<String, Long> seqs = new HashMap<>();
    private final List<String> timeline = new ArrayList<>();
    private final List<Alert> pages = new ArrayList<>();
    private final List<Alert> ruleAlerts = new ArrayList<>();
    private final Map<String, String> alertNames = new HashMap<>();
    private final List<AuditEntry> audit = new ArrayList<>();
    private final List<Action> sent = new ArrayList<>();
    private final Instant start;
    private long stepCount;

    /**
     * Throws IllegalArgumentException unless {@code topology} has exactly one cluster and its nodes
     * are the pair's hosts: the rig plays one pair, and a cluster of other names would send every
     * action to a host that does not exist.
     */
    public FailoverRig(SimulatedPair pair, Topology topology, Path journals) throws IOException {
        this(pair, topology, journals, report -> {});
    }

    /** The same, with each report the engine reads handed to {@code reports} too. */
    public FailoverRig(SimulatedPair pair, Topology topology, Path journals, Consumer<Envelope> reports)
            throws IOException {
        this.pair = pair;
        pair.runDeterministically();
        this.start = pair.now();
        this.cluster = thePair(pair, topology);
        this.topology = topology;
        this.invariants = new Invariants(pair, cluster, () -> sent, () -> audit);
        this.engine = new RigEngine(topology, cluster, pair::now, new RigEngine.Outputs() {
            @Override
            public void received(Envelope envelope) {
                invariants
                        .received("step " + stepCount, envelope.node(), envelope.seq())
                        .forEach(v -> note("VIOLATION " + v));
                reports.accept(envelope);
            }

            @Override
            public void published(Alert alert) {
                shown(alert);
            }

            @Override
            public void failover(FailoverOutput out) {
                take(out);
            }
        });
        this.journals = journals;
        // the lab agent's config names the lab's topology and key files: made once beside the journals
        this.labFiles = LabFailover.in(journals);
        this.seals = labFiles.seals();
        for (SimulatedHost host : pair.hosts()) {
            startAgent(host);
        }
    }

    /**
     * One host's agent starting: its executor over its journal (kept across restarts, so nothing
     * runs twice), the lab agent's own probes at their intervals, and DRBD's stream followed anew.
     */
    private void startAgent(SimulatedHost host) throws IOException {
        Clock clock = pair.clock();
        AllowList allow = new AllowList(
                EnumSet.allOf(ActionType.class),
                cluster.resources().keySet(),
                cluster.vms().keySet());
        ActionRunner runner =
                new ActionRunner(host, clock, Duration.ofMinutes(10), 4096, Duration.ofSeconds(1), d -> pair.tick(d));
        executors.put(
                host.name(),
                new ActionExecutor(
                        cluster.name(),
                        host.name(),
                        seals.of(host.name()).orElseThrow(),
                        ActionJournal.open(journals.resolve(host.name()), clock),
                        allow,
                        new ActionCommands(
                                Hypervisor.LIBVIRT, "qemu:///system", Path.of("/etc/xen"), topology, cluster.name()),
                        runner,
                        body -> {},
                        new SimpleMeterRegistry(),
                        clock));
        AgentConfig agent = Lab.agentConfig(
                host.name(),
                "127.0.0.1:9",
                journals.resolve("spool"),
                labFiles,
                journals.resolve("agent-journal-" + host.name()));
        probes.put(
                host.name(),
                ConfiguredProbes.of(agent, host, host).stream()
                        .filter(p -> p instanceof PolledProbe)
                        .map(p -> (PolledProbe) p)
                        .toList());
        drbd.put(host.name(), new DrbdFollower(host, agent.probes().drbd().statisticsInterval()));
        // the host's memory as the agent's heartbeat reads it, /proc/meminfo through its parser: never the simulator's
        // own figures
        heartbeats.put(
                host.name(), new HeartbeatProbe(host, () -> List.of(drbdHealth.get(host.name())), HEARTBEAT, clock));
        nextHeartbeat.remove(host.name());
        nextPoll.keySet().removeIf(key -> key.startsWith(host.name() + "/"));
    }

    /**
     * NODE's agent is killed: it publishes nothing, its executor takes no action, and a result not
     * yet published is lost with it (the action stays unacknowledged in Kafka and comes again).
     */
    public void killAgent(String node) throws IOException {
        if (!agentsDown.add(node)) {
            return;
        }
        int lost = 0;
        for (var it = later.iterator(); it.hasNext(); ) {
            Later pending = it.next();
            if (pending.action().node().equals(node)) {
                it.remove();
                queued.addFirst(pending.action());
                lost++;
            }
        }
        busyUntil.remove(node);
        executors.remove(node).close();
        note("agent   " + node + " killed"
                + (lost == 0 ? "" : " (" + lost + " result" + (lost > 1 ? "s" : "") + " not yet published: lost)"));
    }

    /** NODE's agent starts again, over the same journal: an action it ran before is answered from it, never run again. */
    public void startAgent(String node) throws IOException {
        if (!agentsDown.remove(node)) {
            return;
        }
        startAgent(pair.host(node).orElseThrow());
        note("agent   " + node + " started again");
    }

    /**
     * The engine instance dies and another takes its partition: everything not in the stores is
     * gone. Each step of the rig commits as a whole (as the engine's exactly-once transaction), so
     * a kill between steps is a kill at any point of the real one.
     */
    public void restartEngine() {
        note("engine  restarted: the saga and the alerts resume from the stores");
        engine.restart();
    }

    /** A human on NODE's shell runs ARGV (e.g. drbdadm primary r0), as an operator would during an incident. */
    public void operator(String node, List<String> argv) {
        SimulatedHost host =
                pair.host(node).orElseThrow(() -> new IllegalArgumentException("no host " + node + " in the pair"));
        try {
            var result = host.run(Command.of(argv.toArray(String[]::new)), Duration.ofSeconds(30));
            note("operator " + node + ": " + String.join(" ", argv) + " (exit " + result.exitCode() + ")");
        } catch (CommandException e) {
            note("operator " + node + ": " + String.join(" ", argv) + " failed: " + e.getMessage());
        }
        invariants.check("step " + stepCount, true).forEach(v -> note("VIOLATION " + v));
    }

    private static ClusterTopology thePair(SimulatedPair pair, Topology topology) {
        if (topology.clusters().size() != 1) {
            throw new IllegalArgumentException("the failover rig plays one pair; the topology has "
                    + topology.clusters().size() + " clusters ("
                    + String.join(", ", new TreeSet<>(topology.clusters().keySet())) + "): give it one");
        }
        ClusterTopology only = topology.clusters().values().iterator().next();
        Set<String> hosts =
                pair.hosts().stream().map(SimulatedHost::name).collect(Collectors.toCollection(TreeSet::new));
        if (!new TreeSet<>(only.nodeNames()).equals(hosts)) {
            throw new IllegalArgumentException("cluster " + only.name() + " has nodes "
                    + String.join(", ", only.nodeNames()) + " but the simulated pair's hosts are "
                    + String.join(", ", hosts) + ": name the cluster's nodes after them");
        }
        return only;
    }

    public SimulatedPair pair() {
        return pair;
    }

    /** A fault, in the lab's words ("disk-fail node-a /dev/sda"), applied now. */
    public FaultOutcome inject(String fault) {
        FaultOutcome outcome = pair.inject(fault);
        note("fault   " + fault + (outcome.applied() ? "" : " (not applied: " + outcome.message() + ")"));
        return outcome;
    }

    /** A human's command (approve, failback), as the engine's API would pass it on. */
    public void command(FailoverCommand.Verb verb, String resource, String sagaId) {
        note("command " + verb.wire() + " " + (sagaId.isEmpty() ? resource : sagaId));
        engine.command(new FailoverCommand(verb, cluster.name(), resource, sagaId, "scenario", pair.now()));
    }

    /** Plays {@code total} of simulated time in steps of {@code step}. */
    public void run(Duration total, Duration step) throws InterruptedException {
        Instant until = pair.now().plus(total);
        while (pair.now().isBefore(until)) {
            step(step);
        }
    }

    /**
     * The engine instance will be killed (SIGKILL) in its next step, after it processed that
     * step's records and before it committed: as in an aborted exactly-once transaction, its
     * store changes and every record it produced are lost, and the next instance processes the
     * same records again from the last commit.
     */
    public void crashEngine() {
        crashDue = true;
    }

    public void step(Duration step) throws InterruptedException {
        stepCount++;
        boolean crash = crashDue;
        crashDue = false;
        if (crash) {
            engine.begin(invariants.receivedSoFar());
        }
        pair.tick(step);
        if (!kafkaDown) {
            deliverActions();
        }
        for (SimulatedHost host : pair.hosts()) {
            if (host.isUp() && !agentsDown.contains(host.name())) {
                report(host);
            }
        }
        if (!kafkaDown) {
            // an engine cut off from Kafka reads nothing and commits nothing: its clock's work waits with it
            engine.tick();
        }
        if (crash) {
            engine.crash((lost, records) -> note("engine  killed before its commit: " + lost + " outputs of " + records
                    + " records lost; a new instance processes them again from the stores"));
        }
        for (String violation : invariants.check("step " + stepCount)) {
            note("VIOLATION " + violation);
        }
    }

    /** An alert record the engine published: kept, and shown when it changed state or suppression. */
    private void shown(Alert alert) {
        alertNames.put(alert.fingerprint(), alert.rule());
        ruleAlerts.add(alert);
        note(AlertLine.of(alert, alertNames));
    }

    /**
     * Hands each queued action to its node's executor. The executor runs on its own thread on a
     * real host, beside the heartbeat and the probes: here it runs with waits that take no time,
     * and a tool that hung is modelled by its result arriving that much later, the node's executor
     * busy until then (it takes one action at a time).
     */
    private void deliverActions() throws InterruptedException {
        Instant now = pair.now();
        for (var it = later.iterator(); it.hasNext(); ) {
            Later due = it.next();
            if (!due.at().isAfter(now)) {
                it.remove();
                finish(due.action(), due.result());
            }
        }
        int n = queued.size();
        for (int i = 0; i < n; i++) {
            Action action = queued.poll();
            SimulatedHost host = pair.host(action.node()).orElseThrow();
            if (!host.isUp()
                    || agentsDown.contains(action.node())
                    || now.isBefore(busyUntil.getOrDefault(action.node(), Instant.MIN))) {
                // the action waits in Kafka for an agent that does not answer, or whose executor is busy
                queued.add(action);
                continue;
            }
            Optional<ActionResult> result =
                    pair.untimed(() -> executors.get(action.node()).handle(action.node(), seals.seal(action)));
            Duration took = pair.skippedByLastUntimed();
            if (took.isZero()) {
                result.ifPresent(r -> finish(action, r));
            } else {
                busyUntil.put(action.node(), now.plus(took));
                result.ifPresent(r -> later.add(new Later(now.plus(took), action, r)));
            }
        }
    }

    private record Later(Instant at, Action action, ActionResult result) {}

    private void finish(Action action, ActionResult result) {
        SimulatedHost host = pair.host(action.node()).orElseThrow();
        if (!host.isUp()) {
            return; // the host froze while its tool ran: its agent publishes nothing
        }
        note("result  " + action.id() + " " + result.outcome().wire()
                + result.exitCode().map(c -> " exit " + c).orElse(""));
        publish(host.name(), result);
    }

    /** What the host's agent would publish by now: a heartbeat, what DRBD changed, and each probe whose interval came round. */
    private void report(SimulatedHost host) throws InterruptedException {
        Instant now = pair.now();
        DrbdFollower follower = drbd.get(host.name());
        List<String> problems = new ArrayList<>();
        for (Body body : pair.untimed(() -> follower.poll(now, problems))) {
            publish(host.name(), body);
        }
        problems.forEach(p -> note("probe   " + host.name() + " drbd: " + p));
        if (!now.isBefore(nextHeartbeat.getOrDefault(host.name(), Instant.MIN))) {
            nextHeartbeat.put(host.name(), now.plus(HEARTBEAT));
            ProbeHealth health = new ProbeHealth(
                    "drbd",
                    follower.healthy(),
                    follower.healthy() ? 0 : 1,
                    problems.isEmpty() ? Optional.empty() : Optional.of(problems.get(0)),
                    Optional.empty());
            drbdHealth.put(host.name(), health);
            try {
                for (Body body : pair.untimed(heartbeats.get(host.name())::poll)) {
                    publish(host.name(), body);
                }
            } catch (ProbeException e) {
                note("probe   " + host.name() + " heartbeat: " + e.getMessage());
            }
        }
        for (PolledProbe probe : probes.get(host.name())) {
            String key = host.name() + "/" + probe.name();
            if (now.isBefore(nextPoll.getOrDefault(key, Instant.MIN))) {
                continue;
            }
            nextPoll.put(key, now.plus(probe.interval()));
            try {
                for (Body body : pair.untimed(probe::poll)) {
                    publish(host.name(), body);
                }
            } catch (ProbeException e) {
                note("probe   " + host.name() + " " + probe.name() + ": " + e.getMessage());
            }
        }
    }

    private void publish(String node, Body body) {
        long seq = seqs.merge(node, 1L, Long::sum);
        Envelope envelope = Envelope.of(cluster.name(), node, seq, pair.now(), body);
        if (kafkaDown) {
            spooled.add(envelope); // the agent's spool keeps it, in order, until the broker is back
            return;
        }
        engine.receive(envelope);
    }

    /** Kafka becomes unreachable: agents spool what they publish, actions wait in the log, the engine stalls. */
    public void kafkaDown() {
        kafkaDown = true;
        note("kafka   unreachable: agents spool, the engine and the executors wait");
    }

    /** Kafka is back: the agents' spools drain in order, the engine catches up, the executors fetch what waits. */
    public void kafkaUp() {
        if (!kafkaDown) {
            return;
        }
        kafkaDown = false;
        note("kafka   back: " + spooled.size() + " spooled records published, in order");
        List<Envelope> drained = List.copyOf(spooled);
        spooled.clear();
        for (Envelope envelope : drained) {
            engine.receive(envelope);
        }
    }

    private void take(FailoverOutput out) {
        for (AuditEntry entry : out.audit()) {
            audit.add(entry);
            if (entry.kind() == AuditKind.DECISION
                    || entry.kind() == AuditKind.REFUSAL
                    || entry.kind() == AuditKind.PAGE) {
                // a phase change's text begins with the phase; said once is enough
                String text = entry.text().startsWith(entry.phase() + ": ")
                        ? entry.text().substring(entry.phase().length() + 2)
                        : entry.text();
                note(String.format("%-7s %s %s: %s", entry.kind().wire(), entry.sagaId(), entry.phase(), text));
            }
        }
        for (Action action : out.actions()) {
            invariants.sent("step " + stepCount, action.id()).forEach(v -> note("VIOLATION " + v));
            sent.add(action);
            queued.add(action);
            note("action  " + action.describe());
        }
        for (Alert page : out.pages()) {
            pages.add(page);
            note("page    " + page.rule() + " " + page.state().wire() + " "
                    + page.labels().get("resource") + ": " + page.annotations().getOrDefault("summary", ""));
        }
    }

    void note(String line) {
        Duration at = Duration.between(start, pair.now());
        timeline.add(String.format("%6.1fs %s", at.toMillis() / 1000.0, line));
    }

    public List<String> timeline() {
        return List.copyOf(timeline);
    }

    public List<Alert> pages() {
        return List.copyOf(pages);
    }

    /** The rule pack's alerts as they changed state (pending, firing, resolved) or suppression, in order. */
    /** The failover's pages and the rule pack's critical alerts (the notifier pages those), in the order they were sent. */
    @Override
    public List<Stage.Paged> paged() {
        List<Alert> sent = new ArrayList<>(pages);
        ruleAlerts.stream()
                .filter(a -> "critical".equals(a.labels().get("severity")))
                .forEach(sent::add);
        sent.sort(Comparator.comparing(Alert::sentAt));
        return sent.stream()
                .map(a -> new Stage.Paged(
                        a.fingerprint(),
                        a.labels(),
                        a.sentAt(),
                        a.state() == AlertState.FIRING && !a.suppressed(),
                        a.state() == AlertState.RESOLVED))
                .toList();
    }

    @Override
    public Instant now() {
        return pair.now();
    }

    /** The rig's engine is replaced between steps: there is always one to page. */
    @Override
    public boolean engineServing() {
        return true;
    }

    public List<Alert> alerts() {
        return List.copyOf(ruleAlerts);
    }

    /** Seconds since the rig started, as the timeline counts them. */
    public double secondsSinceStart(Instant at) {
        return Duration.between(start, at).toMillis() / 1000.0;
    }

    public List<Action> sent() {
        return List.copyOf(sent);
    }

    public List<AuditEntry> audit() {
        return List.copyOf(audit);
    }

    /** The invariants broken so far, each with the step that broke it; empty is the goal. */
    public List<String> violations() {
        return invariants.violations();
    }

    public Topology topology() {
        return topology;
    }

    public List<ResourceFailovers> failovers() {
        return engine.failovers();
    }

    @Override
    public void close() throws IOException {
        for (ActionExecutor executor : executors.values()) {
            executor.close();
        }
    }
}
