package io.vigil.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.service.config.DurationText;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

/** {@code vigil history resyncs}: the resync episodes of a range, newest first. */
@Command(
        name = "resyncs",
        mixinStandardHelpOptions = true,
        description = {
            "Lists the resync episodes that overlap the range, newest first: the volume, from which node to which, "
                    + "how long (a running one: so far), how many bytes at what mean and peak rate, what started it and how it ended.",
            "--plot draws each as a bar of its duration at its start."
        },
        footer = {"", "Example: vigil history resyncs --since 90d --resource r0"})
final class HistoryResyncs implements Callable<Integer> {
    private static final String COMMAND = "vigil history resyncs";

    @Spec
    CommandSpec spec;

    @Mixin
    HistoryAsk ask;

    @Option(names = "--cluster", description = "only this cluster's")
    String cluster;

    @Option(names = "--resource", description = "only this resource's")
    String resource;

    @Option(
            names = "--since",
            paramLabel = "TIME",
            defaultValue = "30d",
            description = "the start: a duration before now (90d) or an RFC 3339 time (default: ${DEFAULT-VALUE})")
    String since;

    @Option(
            names = "--limit",
            defaultValue = "1000",
            description = "at most this many, the newest (default: ${DEFAULT-VALUE}, at most 10000)")
    int limit;

    @Option(
            names = "--plot",
            paramLabel = "FILE.svg",
            description = "also draw the episodes' durations over time into this SVG file")
    Path plot;

    @Override
    public Integer call() throws Exception {
        Map<String, Optional<String>> query = new LinkedHashMap<>();
        query.put("cluster", Optional.ofNullable(cluster));
        query.put("resource", Optional.ofNullable(resource));
        query.putAll(ask.range(since));
        Optional<JsonNode> answer = ask.listing(
                "/api/history/resyncs",
                query,
                limit,
                COMMAND,
                spec.commandLine().getErr());
        if (answer.isEmpty()) {
            return 1;
        }
        if (plot != null && !writePlot(answer.get(), spec.commandLine().getErr())) {
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
                        "STARTED",
                        "CLUSTER",
                        "RESOURCE",
                        "VOL",
                        "SOURCE→TARGET",
                        "DURATION",
                        "BYTES",
                        "MEAN RATE",
                        "PEAK RATE",
                        "CAUSE",
                        "OUTCOME")
                : new TextTable(
                        "episode_id",
                        "cluster",
                        "resource",
                        "volume",
                        "source",
                        "target",
                        "started",
                        "ended",
                        "duration_seconds",
                        "bytes",
                        "mean_rate_bytes_per_second",
                        "peak_rate_bytes_per_second",
                        "cause",
                        "outcome");
        for (JsonNode e : root.path("resyncs")) {
            if (human) {
                table.add(
                        HistoryAsk.time(e.path("startedAt").asText()),
                        e.path("cluster").asText(),
                        e.path("resource").asText(),
                        e.path("volume").asText(),
                        e.path("source").asText() + "→" + e.path("target").asText(),
                        DurationText.format(Duration.ofSeconds(
                                        Math.round(e.path("durationSeconds").asDouble())))
                                + (e.has("endedAt") ? "" : " so far"),
                        e.has("bytes")
                                ? HistorySyncLatency.human(e.path("bytes").asDouble(), "bytes")
                                : "-",
                        rate(e, "meanRateBytesPerSecond"),
                        rate(e, "peakRateBytesPerSecond"),
                        e.path("cause").asText(),
                        e.path("outcome").asText());
            } else {
                table.add(
                        e.path("episodeId").asText(),
                        e.path("cluster").asText(),
                        e.path("resource").asText(),
                        e.path("volume").asText(),
                        e.path("source").asText(),
                        e.path("target").asText(),
                        e.path("startedAt").asText(),
                        e.path("endedAt").asText(""),
                        e.path("durationSeconds").asText(),
                        e.path("bytes").asText(""),
                        e.path("meanRateBytesPerSecond").asText(""),
                        e.path("peakRateBytesPerSecond").asText(""),
                        e.path("cause").asText(),
                        e.path("outcome").asText());
            }
        }
        return table;
    }

    private static String rate(JsonNode e, String field) {
        return e.has(field) ? HistorySyncLatency.human(e.path(field).asDouble(), "bytes") + "/s" : "-";
    }

    private boolean writePlot(JsonNode root, PrintWriter err) {
        long from = Instant.parse(root.path("from").asText()).toEpochMilli();
        long to = Instant.parse(root.path("to").asText()).toEpochMilli();
        List<SvgPlot.Bar> bars = new ArrayList<>();
        double max = 0;
        for (JsonNode e : root.path("resyncs")) {
            long start =
                    Math.max(from, Instant.parse(e.path("startedAt").asText()).toEpochMilli());
            double seconds = e.path("durationSeconds").asDouble();
            long end = Math.min(to, start + Math.round(seconds * 1000));
            bars.add(new SvgPlot.Bar(start, end, seconds));
            max = Math.max(max, seconds);
        }
        SvgPlot svg = new SvgPlot(
                "resync episodes" + (resource == null ? "" : " of " + resource) + ": duration at start",
                from,
                to,
                SvgPlot.ValueAxis.of("resync duration", "s", max));
        return HistoryPlotFile.write(plot, svg.bars("duration", bars), COMMAND, err);
    }
}
