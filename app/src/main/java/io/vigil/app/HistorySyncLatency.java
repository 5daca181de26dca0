package io.vigil.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.service.config.ByteSize;
import io.vigil.service.config.DurationText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil history sync-latency}: a resource's replication latency and lag per step. */
@Command(
        name = "sync-latency",
        mixinStandardHelpOptions = true,
        description = {
            "Per step: p50, p99 and max of the replication round trip (RTT), the oldest request in flight (OLDEST), "
                    + "the out-of-sync bytes while lagging (LAG) and the estimated time to catch up (ETA); a step without samples "
                    + "is left out. Steps older than the raw retention come from rollups, their quantiles approximated (json says "
                    + "from when: approximateBefore). --plot draws the p50 and p99 of one figure over time."
        },
        footer = {"", "Example: vigil history sync-latency --resource r0 --since 90d --step 1d --plot r0.svg"})
final class HistorySyncLatency implements Callable<Integer> {
    private static final String COMMAND = "vigil history sync-latency";
    /** The figures in the order the table shows them, with their column word. */
    private static final Map<String, String> FIGURES = new LinkedHashMap<>();

    static {
        FIGURES.put("roundTripSeconds", "RTT");
        FIGURES.put("oldestRequestSeconds", "OLDEST");
        FIGURES.put("outOfSyncBytes", "LAG");
        FIGURES.put("resyncEtaSeconds", "ETA");
    }

    /** The figure a plot draws. */
    enum Figure {
        roundTripSeconds("replication round trip"),
        oldestRequestSeconds("oldest request in flight"),
        outOfSyncBytes("out-of-sync while lagging"),
        resyncEtaSeconds("resync time to catch up");

        final String words;

        Figure(String words) {
            this.words = words;
        }
    }

    @Spec
    CommandSpec spec;

    @Mixin
    HistoryAsk ask;

    @Option(names = "--resource", required = true, description = "the DRBD resource")
    String resource;

    @Option(names = "--cluster", description = "its cluster (needed when clusters share the resource's name)")
    String cluster;

    @Option(names = "--peer", description = "only the replication towards this peer")
    String peer;

    @Option(
            names = "--since",
            paramLabel = "TIME",
            defaultValue = "1d",
            description = "the start: a duration before now (90d) or an RFC 3339 time (default: ${DEFAULT-VALUE})")
    String since;

    @Option(
            names = "--step",
            paramLabel = "DURATION",
            description = "one row per step (default: the finest of 10s, 1m, 5m, 15m, 1h, 6h, 1d"
                    + " giving at most 300 rows; at most 2000 rows)")
    Duration step;

    @Option(
            names = "--plot",
            paramLabel = "FILE.svg",
            description = "also draw the p50 and p99 of --figure over time into this SVG file")
    Path plot;

    @Option(
            names = "--figure",
            defaultValue = "roundTripSeconds",
            description = "what --plot draws: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    Figure figure;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Optional<String>> query = new LinkedHashMap<>();
        query.put("resource", Optional.of(resource));
        query.put("cluster", Optional.ofNullable(cluster));
        query.put("peer", Optional.ofNullable(peer));
        query.putAll(ask.range(since));
        query.put("step", Optional.ofNullable(step).map(DurationText::format));
        Optional<JsonNode> answer = ask.get(HistoryAsk.path("/api/history/sync-latency", query), COMMAND, err);
        if (answer.isEmpty()) {
            return 1;
        }
        JsonNode root = answer.get();
        if (plot != null && !writePlot(root, err)) {
            return 1;
        }
        ask.print(root, human -> human ? table(root) : csv(root), out);
        if (ask.format == HistoryAsk.Format.table && root.has("approximateBefore")) {
            err.println(COMMAND + ": steps before "
                    + HistoryAsk.time(root.path("approximateBefore").asText()) + " come from "
                    + root.path("rollup").asText() + " rollups: their quantiles are approximations, their max exact");
            err.flush();
        }
        if (ask.format == HistoryAsk.Format.table && root.path("steps").isEmpty()) {
            err.println(COMMAND + ": no samples of " + resource
                    + " in the range (is the resource's name right? vigil history" + " states --resource " + resource
                    + " shows its changes)");
            err.flush();
        }
        return 0;
    }

    private static TextTable table(JsonNode root) {
        List<String> header = new ArrayList<>(List.of("START", "SAMPLES"));
        FIGURES.values().forEach(word -> header.addAll(List.of(word + " p50", word + " p99", word + " max")));
        TextTable table = new TextTable(header.toArray(String[]::new));
        for (JsonNode step : root.path("steps")) {
            List<String> row = new ArrayList<>(List.of(
                    HistoryAsk.time(step.path("start").asText()),
                    step.path("samples").asText()));
            FIGURES.keySet().forEach(f -> {
                JsonNode q = step.path(f);
                String unit = root.path("units").path(f).asText();
                for (String k : List.of("p50", "p99", "max")) {
                    row.add(q.has(k) ? human(q.path(k).asDouble(), unit) : "-");
                }
            });
            table.add(row.toArray(String[]::new));
        }
        return table;
    }

    private static TextTable csv(JsonNode root) {
        List<String> header = new ArrayList<>(List.of("start", "samples"));
        FIGURES.keySet()
                .forEach(f -> List.of("count", "p50", "p95", "p99", "max").forEach(k -> header.add(f + "_" + k)));
        TextTable table = new TextTable(header.toArray(String[]::new));
        for (JsonNode step : root.path("steps")) {
            List<String> row = new ArrayList<>(
                    List.of(step.path("start").asText(), step.path("samples").asText()));
            FIGURES.keySet()
                    .forEach(f -> List.of("count", "p50", "p95", "p99", "max")
                            .forEach(k -> row.add(
                                    step.path(f).has(k) ? step.path(f).path(k).asText() : "")));
            table.add(row.toArray(String[]::new));
        }
        return table;
    }

    /** "2.5ms", "14s", "3.2MiB": a value with its unit, short. */
    static String human(double value, String unit) {
        if (unit.equals("bytes")) {
            // the table writes a unit without a space, as its 2.5ms and 14s
            return ByteSize.human(value).replace(" ", "");
        }
        if (value < 1) {
            return String.format(Locale.ROOT, "%.3gms", value * 1000);
        }
        return value < 600
                ? String.format(Locale.ROOT, "%.3gs", value)
                : DurationText.format(Duration.ofSeconds(Math.round(value)));
    }

    private boolean writePlot(JsonNode root, PrintWriter err) throws IOException {
        String f = figure.name();
        long from = Instant.parse(root.path("from").asText()).toEpochMilli();
        long to = Instant.parse(root.path("to").asText()).toEpochMilli();
        long stepMs = DurationText.parse(root.path("step").asText()).toMillis();
        double max = 0;
        for (JsonNode s : root.path("steps")) {
            max = Math.max(max, s.path(f).path("p99").asDouble(0));
        }
        List<SvgPlot.Line> lines = new ArrayList<>();
        for (String q : List.of("p50", "p99")) {
            lines.add(new SvgPlot.Line(q, runs(root, f, q, stepMs)));
        }
        SvgPlot svg = new SvgPlot(
                figure.words + " of " + root.path("resource").asText() + " per "
                        + root.path("step").asText()
                        + (root.has("cluster") ? " (" + root.path("cluster").asText() + ")" : ""),
                from,
                to,
                SvgPlot.ValueAxis.of(figure.words, root.path("units").path(f).asText(), max));
        return HistoryPlotFile.write(plot, svg.lines(lines), COMMAND, err);
    }

    /** The points of one quantile, at each step's middle, broken where steps are missing so no line crosses a gap. */
    private static List<List<SvgPlot.Point>> runs(JsonNode root, String figure, String quantile, long stepMs) {
        List<List<SvgPlot.Point>> runs = new ArrayList<>();
        List<SvgPlot.Point> run = new ArrayList<>();
        long last = Long.MIN_VALUE;
        for (JsonNode s : root.path("steps")) {
            if (!s.path(figure).has(quantile)) {
                continue;
            }
            long start = Instant.parse(s.path("start").asText()).toEpochMilli();
            if (!run.isEmpty() && start - last > stepMs) {
                runs.add(run);
                run = new ArrayList<>();
            }
            run.add(new SvgPlot.Point(
                    start + stepMs / 2, s.path(figure).path(quantile).asDouble()));
            last = start;
        }
        if (!run.isEmpty()) {
            runs.add(run);
        }
        return runs;
    }
}
