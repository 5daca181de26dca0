package io.vigil.history.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.events.WireCodec;
import io.vigil.history.query.AlertsQuery;
import io.vigil.history.query.HistoryDatabase;
import io.vigil.history.query.LatencyQuestion;
import io.vigil.history.query.QueryRefused;
import io.vigil.history.query.ResyncsQuery;
import io.vigil.history.query.StatesQuery;
import io.vigil.history.query.StoredResolutions;
import io.vigil.history.query.SyncLatencyQuery;
import io.vigil.history.query.TimeRange;
import io.vigil.service.http.HttpEndpoint.Reply;
import io.vigil.service.http.HttpEndpoint.Request;
import io.vigil.service.http.HttpEndpoint.Route;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history on the engine's API, GET only, JSON:
 * <ul>
 *   <li>{@code /api/history/sync-latency?resource=&cluster=&peer=&from=&to=&step=}: per step, p50,
 *       p95, p99 and max of each figure (see {@link io.vigil.history.query.SyncLatency}: steps read
 *       from rollups, those before {@code approximateBefore}, are quantiles of quantiles, an
 *       approximation; max and counts are exact). At most {@value LatencyQuestion#MAX_STEPS}
 *       steps: more is 400, saying to widen the step or narrow the range. Without a step, the
 *       finest of 10s, 1m, 5m, 15m, 1h, 6h, 1d giving at most {@value #DEFAULT_STEPS} steps;</li>
 *   <li>{@code /api/history/resyncs?cluster=&resource=&from=&to=&limit=}: the resync episodes
 *       overlapping the range, newest first;</li>
 *   <li>{@code /api/history/states?resource=&cluster=&from=&to=&limit=}: the DRBD state timeline;</li>
 *   <li>{@code /api/history/alerts?cluster=&alertname=&severity=&state=&from=&to=&limit=}: the
 *       alert changes sent, newest first.</li>
 * </ul>
 * A listing holds at most {@code limit} rows (1000 by default, 10000 at most) and says
 * {@code "truncated": true} when the range held more. {@code from} defaults to a day before
 * {@code to}, {@code to} to now. A bad parameter is 400 naming it; a history that cannot be read, 503. docs/history-api.md
 * says the same for users.
 */
public final class HistoryApi {
    private static final Logger log = LoggerFactory.getLogger(HistoryApi.class);
    static final int DEFAULT_STEPS = 300;
    private static final List<Duration> NICE_STEPS = List.of(
            Duration.ofSeconds(10),
            Duration.ofMinutes(1),
            Duration.ofMinutes(5),
            Duration.ofMinutes(15),
            Duration.ofHours(1),
            Duration.ofHours(6),
            Duration.ofDays(1),
            Duration.ofDays(7));

    private final Clock clock;
    private final SyncLatencyQuery latency;
    private final ResyncsQuery resyncs;
    private final StatesQuery states;
    private final AlertsQuery alerts;

    public HistoryApi(HistoryDatabase db, StoredResolutions retention, Clock clock) {
        this.clock = clock;
        latency = new SyncLatencyQuery(db, retention, clock);
        resyncs = new ResyncsQuery(db, clock);
        states = new StatesQuery(db);
        alerts = new AlertsQuery(db);
    }

    /** The routes by path, for the engine's endpoint. */
    public Map<String, Route> routes() {
        Map<String, Route> routes = new LinkedHashMap<>();
        routes.put("/api/history/sync-latency", get(Set.of("cluster", "resource", "peer", "from", "to", "step"), p -> {
            TimeRange range = p.range();
            Duration step = p.duration("step").orElseGet(() -> defaultStep(range));
            return HistoryJson.syncLatency(latency.answer(
                    new LatencyQuestion(p.name("cluster"), p.requiredName("resource"), p.name("peer"), range, step)));
        }));
        routes.put("/api/history/resyncs", get(Set.of("cluster", "resource", "from", "to", "limit"), p -> {
            TimeRange range = p.range();
            return HistoryJson.resyncs(range, resyncs.answer(p.name("cluster"), p.name("resource"), range, p.limit()));
        }));
        routes.put("/api/history/states", get(Set.of("cluster", "resource", "from", "to", "limit"), p -> {
            TimeRange range = p.range();
            return HistoryJson.states(
                    range, states.answer(p.name("cluster"), p.requiredName("resource"), range, p.limit()));
        }));
        routes.put(
                "/api/history/alerts",
                get(Set.of("cluster", "alertname", "severity", "state", "from", "to", "limit"), p -> {
                    TimeRange range = p.range();
                    return HistoryJson.alerts(
                            range,
                            alerts.answer(
                                    new AlertsQuery.Filter(
                                            p.name("cluster"),
                                            p.name("alertname"),
                                            p.name("severity"),
                                            p.name("state")),
                                    range,
                                    p.limit()));
                }));
        return routes;
    }

    static Duration defaultStep(TimeRange range) {
        for (Duration step : NICE_STEPS) {
            if (range.millis() / step.toMillis() <= DEFAULT_STEPS) {
                return step;
            }
        }
        return NICE_STEPS.get(NICE_STEPS.size() - 1);
    }

    /** One question: its parameters read, then its answer as JSON. */
    @FunctionalInterface
    private interface Question {
        ObjectNode answer(HistoryParameters parameters) throws SQLException;
    }

    private Route get(Set<String> known, Question question) {
        return request -> {
            if (!request.method().equals("GET")) {
                return Reply.methodNotAllowed("GET");
            }
            return answer(request, known, question);
        };
    }

    private Reply answer(Request request, Set<String> known, Question question) throws IOException {
        try {
            return Reply.json(
                    200,
                    WireCodec.json()
                            .writeValueAsBytes(
                                    question.answer(new HistoryParameters(request, clock.instant(), known))));
        } catch (QueryRefused e) {
            return Reply.text(400, e.getMessage() + "\n");
        } catch (SQLException e) {
            log.warn("{} could not be answered: the history cannot be read: {}", request.path(), e.getMessage());
            return Reply.text(
                    503,
                    "the history cannot be read ("
                            + e.getMessage().lines().findFirst().orElse("") + "); the engine's log has the details\n");
        }
    }
}
