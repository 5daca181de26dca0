package io.vigil.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil history alerts}: the alert changes the engine sent, newest first. */
@Command(
        name = "alerts",
        mixinStandardHelpOptions = true,
        description = {
            "Lists the alert changes sent in the range, newest first: when, which alert, its severity and state then, "
                    + "and its labels."
        },
        footer = {"", "Example: vigil history alerts --since 7d --severity critical"})
final class HistoryAlerts implements Callable<Integer> {
    private static final String COMMAND = "vigil history alerts";

    @Spec
    CommandSpec spec;

    @Mixin
    HistoryAsk ask;

    @Option(names = "--cluster", description = "only this cluster's")
    String cluster;

    @Option(names = "--alertname", description = "only this alert's (a rule's name)")
    String alertname;

    @Option(names = "--severity", description = "only this severity's (critical, warning, info)")
    String severity;

    @Option(names = "--state", description = "only changes to this state (pending, firing, resolved)")
    String state;

    @Option(
            names = "--since",
            paramLabel = "TIME",
            defaultValue = "7d",
            description = "the start: a duration before now (7d) or an RFC 3339 time (default: ${DEFAULT-VALUE})")
    String since;

    @Option(
            names = "--limit",
            defaultValue = "1000",
            description = "at most this many, the newest (default: ${DEFAULT-VALUE}, at most 10000)")
    int limit;

    @Override
    public Integer call() throws Exception {
        Map<String, Optional<String>> query = new LinkedHashMap<>();
        query.put("cluster", Optional.ofNullable(cluster));
        query.put("alertname", Optional.ofNullable(alertname));
        query.put("severity", Optional.ofNullable(severity));
        query.put("state", Optional.ofNullable(state));
        query.putAll(ask.range(since));
        Optional<JsonNode> answer = ask.listing(
                "/api/history/alerts", query, limit, COMMAND, spec.commandLine().getErr());
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
                ? new TextTable("SENT", "ALERT", "SEVERITY", "STATE", "CHANGE", "CLUSTER", "LABELS")
                : new TextTable("sent", "alertname", "severity", "state", "change", "cluster", "fingerprint", "labels");
        for (JsonNode a : root.path("alerts")) {
            List<String> labels = new ArrayList<>();
            a.path("labels")
                    .properties()
                    .forEach(l -> labels.add(l.getKey() + "=" + l.getValue().asText()));
            if (human) {
                table.add(
                        HistoryAsk.time(a.path("sentAt").asText()),
                        a.path("alertname").asText(),
                        a.path("severity").asText("-"),
                        a.path("state").asText(),
                        a.path("change").asText(),
                        a.path("cluster").asText("-"),
                        String.join(" ", labels));
            } else {
                table.add(
                        a.path("sentAt").asText(),
                        a.path("alertname").asText(),
                        a.path("severity").asText(""),
                        a.path("state").asText(),
                        a.path("change").asText(),
                        a.path("cluster").asText(""),
                        a.path("fingerprint").asText(),
                        String.join(" ", labels));
            }
        }
        return table;
    }
}
