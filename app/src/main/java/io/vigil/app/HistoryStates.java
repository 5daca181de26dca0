package io.vigil.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil history states}: a resource's DRBD state timeline. */
@Command(
        name = "states",
        mixinStandardHelpOptions = true,
        description = {
            "Shows each change of a resource's DRBD states in the range, oldest first, as the node that saw it reported:",
            "its role and disk, the connection and replication towards the peer, the peer's disk and role."
        },
        footer = {"", "Example: vigil history states --resource r0 --since 1d"})
final class HistoryStates implements Callable<Integer> {
    private static final String COMMAND = "vigil history states";

    @Spec
    CommandSpec spec;

    @Mixin
    HistoryAsk ask;

    @Option(names = "--resource", required = true, description = "the DRBD resource")
    String resource;

    @Option(names = "--cluster", description = "only this cluster's")
    String cluster;

    @Option(
            names = "--since",
            paramLabel = "TIME",
            defaultValue = "1d",
            description = "the start: a duration before now (1d) or an RFC 3339 time (default: ${DEFAULT-VALUE})")
    String since;

    @Option(
            names = "--limit",
            defaultValue = "1000",
            description = "at most this many, the newest (default: ${DEFAULT-VALUE}, at most 10000)")
    int limit;

    @Override
    public Integer call() throws Exception {
        Map<String, Optional<String>> query = new LinkedHashMap<>();
        query.put("resource", Optional.of(resource));
        query.put("cluster", Optional.ofNullable(cluster));
        query.putAll(ask.range(since));
        Optional<JsonNode> answer = ask.listing(
                "/api/history/states", query, limit, COMMAND, spec.commandLine().getErr());
        if (answer.isEmpty()) {
            return 1;
        }
        ask.print(
                answer.get(),
                human -> table(answer.get(), human),
                spec.commandLine().getOut());
        return 0;
    }

    private static TextTable table(JsonNode root, boolean human) {
        TextTable table = human
                ? new TextTable(
                        "AT",
                        "NODE",
                        "VOL",
                        "PEER",
                        "ROLE",
                        "DISK",
                        "CONNECTION",
                        "REPLICATION",
                        "PEER DISK",
                        "PEER ROLE")
                : new TextTable(
                        "at",
                        "cluster",
                        "node",
                        "resource",
                        "volume",
                        "peer",
                        "role",
                        "disk",
                        "connection",
                        "replication",
                        "peer_disk",
                        "peer_role");
        for (JsonNode s : root.path("states")) {
            String disk = s.path("disk").asText(human ? "-" : "");
            if (human) {
                table.add(
                        HistoryAsk.time(s.path("at").asText()),
                        s.path("node").asText(),
                        s.path("volume").asText(),
                        s.path("peer").asText(),
                        s.path("role").asText(),
                        disk,
                        s.path("connection").asText(),
                        s.path("replication").asText(),
                        s.path("peerDisk").asText(),
                        s.path("peerRole").asText());
            } else {
                table.add(
                        s.path("at").asText(),
                        s.path("cluster").asText(),
                        s.path("node").asText(),
                        s.path("resource").asText(),
                        s.path("volume").asText(),
                        s.path("peer").asText(),
                        s.path("role").asText(),
                        disk,
                        s.path("connection").asText(),
                        s.path("replication").asText(),
                        s.path("peerDisk").asText(),
                        s.path("peerRole").asText());
            }
        }
        return table;
    }
}
