package io.vigil.history.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.events.WireCodec;
import io.vigil.history.query.LatencyFigure;
import io.vigil.history.query.LatencyStep;
import io.vigil.history.query.Quantiles;
import io.vigil.history.query.RecordedAlertChange;
import io.vigil.history.query.ResyncEpisode;
import io.vigil.history.query.Rows;
import io.vigil.history.query.StateChange;
import io.vigil.history.query.SyncLatency;
import io.vigil.history.query.TimeRange;
import io.vigil.service.config.DurationText;
import java.io.IOException;
import java.time.Instant;
import java.util.function.Function;

/** The history's answers as the API writes them: times in RFC 3339 (UTC), an unknown figure left out rather than written as 0 or null. */
final class HistoryJson {
    private HistoryJson() {}

    static ObjectNode syncLatency(SyncLatency a) {
        ObjectNode root = WireCodec.json().createObjectNode();
        a.cluster().ifPresent(c -> root.put("cluster", c));
        root.put("resource", a.resource());
        a.peer().ifPresent(p -> root.put("peer", p));
        range(root, a.range());
        root.put("step", DurationText.format(a.step()));
        a.rollup().ifPresent(r -> {
            root.put("rollup", DurationText.format(r));
            // the steps before this are quantiles of rollup quantiles: an approximation (see SyncLatency)
            root.put("approximateBefore", time(a.rawFromMs()));
        });
        ObjectNode units = root.putObject("units");
        for (LatencyFigure f : LatencyFigure.values()) {
            units.put(f.wire(), f.unit());
        }
        var steps = root.putArray("steps");
        for (LatencyStep s : a.steps()) {
            ObjectNode step = steps.addObject().put("start", time(s.startMs())).put("samples", s.samples());
            for (LatencyFigure f : LatencyFigure.values()) {
                s.figure(f).ifPresent(q -> quantiles(step.putObject(f.wire()), q));
            }
        }
        return root;
    }

    private static void quantiles(ObjectNode out, Quantiles q) {
        out.put("count", q.count())
                .put("p50", q.p50())
                .put("p95", q.p95())
                .put("p99", q.p99())
                .put("max", q.max());
    }

    static ObjectNode resyncs(TimeRange range, Rows<ResyncEpisode> rows) {
        return listing(range, rows, "resyncs", e -> {
            ObjectNode o = WireCodec.json()
                    .createObjectNode()
                    .put("episodeId", e.episodeId())
                    .put("cluster", e.cluster())
                    .put("resource", e.resource())
                    .put("volume", e.volume())
                    .put("source", e.sourceNode())
                    .put("target", e.targetNode())
                    .put("observedBy", e.observedBy())
                    .put("startedAt", time(e.startedMs()));
            e.endedMs().ifPresent(t -> o.put("endedAt", time(t)));
            o.put("durationSeconds", e.durationMs() / 1000.0);
            e.startOutOfSyncBytes().ifPresent(b -> o.put("startOutOfSyncBytes", b));
            e.bytes().ifPresent(b -> o.put("bytes", b));
            e.meanRateBytesPerSecond().ifPresent(r -> o.put("meanRateBytesPerSecond", r));
            e.peakRateBytesPerSecond().ifPresent(r -> o.put("peakRateBytesPerSecond", r));
            return o.put("cause", e.cause()).put("outcome", e.outcome());
        });
    }

    static ObjectNode states(TimeRange range, Rows<StateChange> rows) {
        return listing(range, rows, "states", s -> {
            ObjectNode o = WireCodec.json()
                    .createObjectNode()
                    .put("at", time(s.atMs()))
                    .put("cluster", s.cluster())
                    .put("node", s.node())
                    .put("resource", s.resource())
                    .put("volume", s.volume())
                    .put("peer", s.peer())
                    .put("role", s.role());
            s.disk().ifPresent(d -> o.put("disk", d));
            return o.put("connection", s.connection())
                    .put("replication", s.replication())
                    .put("peerDisk", s.peerDisk())
                    .put("peerRole", s.peerRole());
        });
    }

    static ObjectNode alerts(TimeRange range, Rows<RecordedAlertChange> rows) {
        return listing(range, rows, "alerts", a -> {
            ObjectNode o = WireCodec.json().createObjectNode().put("sentAt", time(a.sentMs()));
            a.cluster().ifPresent(c -> o.put("cluster", c));
            o.put("fingerprint", a.fingerprint()).put("alertname", a.alertname());
            a.severity().ifPresent(s -> o.put("severity", s));
            o.put("state", a.state()).put("version", a.version()).put("change", a.change());
            o.set("labels", labels(a.labelsJson()));
            o.put("activeAt", time(a.activeMs()));
            a.firedMs().ifPresent(t -> o.put("firedAt", time(t)));
            a.resolvedMs().ifPresent(t -> o.put("resolvedAt", time(t)));
            return o;
        });
    }

    /** The labels as the sink stored them; a value that is not a JSON object (a sink's bug) is passed on as text, not dropped. */
    private static JsonNode labels(String json) {
        try {
            JsonNode node = WireCodec.json().readTree(json);
            return node != null && node.isObject()
                    ? node
                    : WireCodec.json().getNodeFactory().textNode(json);
        } catch (IOException e) {
            return WireCodec.json().getNodeFactory().textNode(json);
        }
    }

    private static <T> ObjectNode listing(TimeRange range, Rows<T> rows, String field, Function<T, ObjectNode> each) {
        ObjectNode root = WireCodec.json().createObjectNode();
        range(root, range);
        root.put("limit", rows.limit()).put("truncated", rows.truncated());
        var list = root.putArray(field);
        rows.rows().forEach(r -> list.add(each.apply(r)));
        return root;
    }

    private static void range(ObjectNode root, TimeRange range) {
        root.put("from", time(range.fromMs())).put("to", time(range.toMs()));
    }

    static String time(long ms) {
        return Instant.ofEpochMilli(ms).toString();
    }
}
