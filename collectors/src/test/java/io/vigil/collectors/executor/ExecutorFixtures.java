package io.vigil.collectors.executor;

import io.vigil.events.Action;
import io.vigil.events.ActionSeal;
import io.vigil.events.ActionType;
import io.vigil.service.topology.ClusterTopology;
import io.vigil.service.topology.FailoverPolicy;
import io.vigil.service.topology.FenceCommands;
import io.vigil.service.topology.NodeTopology;
import io.vigil.service.topology.ResourceTopology;
import io.vigil.service.topology.Topology;
import io.vigil.service.topology.VmTopology;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The pair the executor tests act on: node-b runs the executor; node-a is its peer. */
final class ExecutorFixtures {
    static final String CLUSTER = "pair-1";
    static final String NODE = "node-b";
    static final String PEER = "node-a";
    static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    /** node-b's key: its agent's, and the engine's for actions addressed to node-b. */
    static final ActionSeal SEAL = ActionSeal.ofKeyText("the-action-key-of-node-b-of-32-bytes-at-least");
    /** node-a's key: what whoever took node-a's host holds. */
    static final ActionSeal PEER_SEAL = ActionSeal.ofKeyText("the-action-key-of-node-a-of-32-bytes-at-least");

    static final FenceCommands PEER_FENCE = new FenceCommands(
            List.of(
                    "ipmitool",
                    "-I",
                    "lanplus",
                    "-H",
                    "10.0.0.11",
                    "-U",
                    "admin",
                    "-f",
                    "/etc/vigil/ipmi-node-a",
                    "chassis",
                    "power",
                    "off"),
            List.of(
                    "ipmitool",
                    "-I",
                    "lanplus",
                    "-H",
                    "10.0.0.11",
                    "-U",
                    "admin",
                    "-f",
                    "/etc/vigil/ipmi-node-a",
                    "chassis",
                    "power",
                    "status"),
            "Chassis Power is off",
            Duration.ofSeconds(30));
    static final Topology TOPOLOGY = new Topology(Map.of(
            CLUSTER,
            new ClusterTopology(
                    CLUSTER,
                    List.of(
                            new NodeTopology(PEER, 2L << 30, "qemu+ssh://node-a/system", Optional.of(PEER_FENCE)),
                            new NodeTopology(NODE, 2L << 30, "qemu+ssh://node-b/system", Optional.empty())),
                    Map.of("r0", new ResourceTopology("r0", PEER, List.of("web"))),
                    Map.of("web", new VmTopology("web", 4L << 30, 2L << 30, 10)),
                    FailoverPolicy.DEFAULT)));
    static final AllowList ALLOW_ALL =
            new AllowList(java.util.EnumSet.allOf(ActionType.class), java.util.Set.of("r0"), java.util.Set.of("web"));

    private ExecutorFixtures() {}

    /** An action for node-b, issued now, due in two minutes. */
    static Action action(
            String id,
            ActionType type,
            Optional<String> resource,
            Optional<String> vm,
            Optional<String> target,
            Optional<Long> memory) {
        return new Action(
                id,
                "pair-1:r0:1",
                CLUSTER,
                NODE,
                type,
                resource,
                vm,
                target,
                memory,
                NOW,
                NOW.plus(Duration.ofMinutes(2)));
    }

    static Action drbd(String id, ActionType type) {
        return action(id, type, Optional.of("r0"), Optional.empty(), Optional.empty(), Optional.empty());
    }

    static Action vm(String id, ActionType type) {
        return action(id, type, Optional.empty(), Optional.of("web"), Optional.empty(), Optional.empty());
    }

    static Action towardPeer(String id, ActionType type) {
        return action(
                id,
                type,
                Optional.empty(),
                type == ActionType.VM_MIGRATE_LIVE ? Optional.of("web") : Optional.empty(),
                Optional.of(PEER),
                Optional.empty());
    }
}
