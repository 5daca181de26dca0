package io.vigil.lab.scenario;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandException;
import io.vigil.collectors.drbd.DrbdEventsParser;
import io.vigil.collectors.executor.ActionCommands;
import io.vigil.collectors.executor.ActionExecutor;
import io.vigil.collectors.executor.ActionJournal;
import io.vigil.collectors.executor.ActionRunner;
import io.vigil.collectors.executor.AllowList;
import io.vigil.collectors.probe.ProbeException;
import io.vigil.collectors.vm.VmProbe;
import io.vigil.events.Action;
import io.vigil.events.ActionResult;
import io.vigil.events.ActionSeal;
import io.vigil.events.ActionType;
import io.vigil.events.Alert;
import io.vigil.events.AuditEntry;
import io.vigil.events.AuditKind;
import io.vigil.events.Body;
import io.vigil.events.Envelope;
import io.vigil.events.FailoverCommand;
import io.vigil.events.Heartbeat;
import io.vigil.events.Hypervisor;
import io.vigil.lab.sim.FaultOutcome;
import io.vigil.lab.sim.SimulatedHost;
import io.vigil.lab.sim.SimulatedPair;
import io.vigil.rules.engine.MapStateTable;
import io.vigil.rules.failover.ClusterFailovers;
import io.vigil.rules.failover.FailoverOutput;
import io.vigil.rules.failover.ResourceFailovers;
import io.vigil.rules.failover.SagaPages;
import io.vigil.service.topology.ClusterTopology;
import io.vigil.service.topology.ResourceTopology;
import io.vigil.service.topology.Topology;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The failover played deterministically on the simulated pair, without Kafka or threads: each
 * step moves the pair's simulated clock, reads each answering host with the production parsers
 * (events2, virsh) as its agent would, hands the facts to the engine's failover logic, and
 * delivers the actions it sends, sealed, to each node's production executor, which runs them as
 * argv against the simulated host. The same schedule gives the same timeline, every time.
 */
public final class FailoverRig implements AutoCloseable {
    private static final String KEY = "the-lab-action-key-is-not-a-secret-0123456789";
    private final SimulatedPair pair;
    private final ClusterTopology cluster;
    private final ClusterFailovers failovers;
    private final ActionSeal seal = ActionSeal.ofKeyText(KEY);
    private final Map<String, ActionExecutor> executors = new LinkedHashMap<>();
    private final Map<String, VmProbe> vmProbes = new HashMap<>();
    private final Deque<Action> queued = new ArrayDeque<>();
    private final Map<String, Long> seqs = new HashMap<>();
    private final List<String> timeline = new ArrayList<>();
    private final List<Alert> pages = new ArrayList<>();
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
        this.pair = pair;
        this.start = pair.now();
        this.cluster = thePair(pair, topology);
        Clock clock = pair.clock();
        failovers = ClusterFailovers.of(topology, new SagaPages(Duration.ofMinutes(1), Duration.ofMinutes(4)), new MapStateTable<>(),
                new MapStateTable<>());
        AllowList allow = new AllowList(EnumSet.allOf(ActionType.class), cluster.resources().keySet(), cluster.vms().keySet());
        Map<String, String> vmToResource = new HashMap<>();
        for (ResourceTopology r : cluster.resources().values()) {
            r.vms().forEach(vm -> vmToResource.put(vm, r.name()));
        }
        for (SimulatedHost host : pair.hosts()) {
            ActionRunner runner = new ActionRunner(host, clock, Duration.ofMinutes(10), 4096, Duration.ofSeconds(1),
                    d -> pair.tick(d));
            executors.put(host.name(), new ActionExecutor(cluster.name(), host.name(), seal,
                    ActionJournal.open(journals.resolve(host.name()), clock), allow,
                    new ActionCommands(Hypervisor.LIBVIRT, "qemu:///system", Path.of("/etc/xen"), topology, cluster.name()), runner,
                    body -> { }, new SimpleMeterRegistry(), clock));
            Set<String> home = cluster.resources().values().stream().filter(r -> r.home().equals(host.name()))
                    .flatMap(r -> r.vms().stream()).collect(Collectors.toSet());
            vmProbes.put(host.name(), new VmProbe(host, new VmProbe.Settings(Hypervisor.LIBVIRT, "qemu:///system", vmToResource, home,
                    Set.of(), Duration.ofSeconds(10), Duration.ofSeconds(5))));
        }
    }

    private static ClusterTopology thePair(SimulatedPair pair, Topology topology) {
        if (topology.clusters().size() != 1) {
            throw new IllegalArgumentException("the failover rig plays one pair; the topology has " + topology.clusters().size()
                    + " clusters (" + String.join(", ", new TreeSet<>(topology.clusters().keySet())) + "): give it one");
        }
        ClusterTopology only = topology.clusters().values().iterator().next();
        Set<String> hosts = pair.hosts().stream().map(SimulatedHost::name).collect(Collectors.toCollection(TreeSet::new));
        if (!new TreeSet<>(only.nodeNames()).equals(hosts)) {
            throw new IllegalArgumentException("cluster " + only.name() + " has nodes " + String.join(", ", only.nodeNames())
                    + " but the simulated pair's hosts are " + String.join(", ", hosts) + ": name the cluster's nodes after them");
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
        take(failovers.onCommand(new FailoverCommand(verb, cluster.name(), resource, sagaId, "scenario", pair.now()), pair.now()));
    }

    /** Plays {@code total} of simulated time in steps of {@code step}. */
    public void run(Duration total, Duration step) throws InterruptedException {
        Instant until = pair.now().plus(total);
        while (pair.now().isBefore(until)) {
            step(step);
        }
    }

    public void step(Duration step) throws InterruptedException {
        stepCount++;
        pair.tick(step);
        deliverActions();
        for (SimulatedHost host : pair.hosts()) {
            if (host.isUp()) {
                report(host);
            }
        }
        take(failovers.onTick(pair.now(), c -> true));
    }

    private void deliverActions() throws InterruptedException {
        int n = queued.size();
        for (int i = 0; i < n; i++) {
            Action action = queued.poll();
            SimulatedHost host = pair.host(action.node()).orElseThrow();
            if (!host.isUp()) {
                // the action waits in Kafka for an agent that does not answer
                queued.add(action);
                continue;
            }
            Optional<ActionResult> result = executors.get(action.node()).handle(action.node(), seal.seal(action));
            if (result.isPresent()) {
                note("result  " + action.id() + " " + result.get().outcome().wire() + result.get().exitCode().map(c -> " exit " + c).orElse(""));
                publish(host.name(), result.get());
            }
        }
    }

    private void report(SimulatedHost host) throws InterruptedException {
        publish(host.name(), new Heartbeat("lab", stepCount, List.of(), host.memoryTotalKiB() * 1024, host.memoryAvailableKiB() * 1024));
        try {
            Command now = Command.of("drbdsetup", "events2", "--now", "--timestamps", "--statistics");
            for (Body body : DrbdEventsParser.toEvents(now.toString(), host.run(now, Duration.ofSeconds(5)).stdout()).values()) {
                publish(host.name(), body);
            }
            for (Body body : vmProbes.get(host.name()).poll()) {
                publish(host.name(), body);
            }
        } catch (CommandException | ProbeException e) {
            note("probe   " + host.name() + ": " + e.getMessage());
        }
    }

    private void publish(String node, Body body) {
        long seq = seqs.merge(node, 1L, Long::sum);
        take(failovers.onEvent(Envelope.of(cluster.name(), node, seq, pair.now(), body), pair.now()));
    }

    private void take(FailoverOutput out) {
        for (AuditEntry entry : out.audit()) {
            audit.add(entry);
            if (entry.kind() == AuditKind.DECISION || entry.kind() == AuditKind.REFUSAL || entry.kind() == AuditKind.PAGE) {
                note(String.format("%-7s %s %s: %s", entry.kind().wire(), entry.sagaId(), entry.phase(), entry.text()));
            }
        }
        for (Action action : out.actions()) {
            sent.add(action);
            queued.add(action);
            note("action  " + action.describe());
        }
        for (Alert page : out.pages()) {
            pages.add(page);
            note("page    " + page.rule() + " " + page.state().wire() + " " + page.labels().get("resource") + ": "
                    + page.annotations().getOrDefault("summary", ""));
        }
    }

    private void note(String line) {
        Duration at = Duration.between(start, pair.now());
        timeline.add(String.format("%6.1fs %s", at.toMillis() / 1000.0, line));
    }

    public List<String> timeline() {
        return List.copyOf(timeline);
    }

    public List<Alert> pages() {
        return List.copyOf(pages);
    }

    public List<Action> sent() {
        return List.copyOf(sent);
    }

    public List<AuditEntry> audit() {
        return List.copyOf(audit);
    }

    public List<ResourceFailovers> failovers() {
        return failovers.all();
    }

    @Override
    public void close() throws IOException {
        for (ActionExecutor executor : executors.values()) {
            executor.close();
        }
    }
}
