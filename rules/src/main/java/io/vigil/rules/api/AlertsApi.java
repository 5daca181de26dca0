package io.vigil.rules.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.events.AlertChange;
import io.vigil.events.AlertState;
import io.vigil.events.WireCodec;
import io.vigil.rules.alert.TrackedAlert;
import io.vigil.service.http.HttpEndpoint.Reply;
import io.vigil.service.http.HttpEndpoint.Request;
import io.vigil.service.http.HttpEndpoint.Route;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /api/alerts}: the active alerts (pending, firing, recently resolved), as JSON. Each
 * engine instance holds the alerts of its own partitions; asked without {@code local=true}, an
 * instance also asks the others (those Kafka Streams knows of) and answers for the whole engine,
 * naming any it could not reach; the others are asked all at once, each within its timeout. {@code state=firing} (repeatable) keeps only those states.
 */
public final class AlertsApi implements Route {
    private final Supplier<List<TrackedAlert>> local;
    private final Supplier<List<String>> peers;
    private final Duration lease;
    private final Clock clock;
    private final PeerQuery query;

    /** {@code peers}: host:port of the other instances' APIs. */
    public AlertsApi(Supplier<List<TrackedAlert>> local, Supplier<List<String>> peers, Duration lease, Clock clock) {
        this(local, peers, lease, clock, PeerQuery.TIMEOUT);
    }

    /** {@code peerTimeout}: the longest one peer may take to answer before it is named unreachable. */
    AlertsApi(
            Supplier<List<TrackedAlert>> local,
            Supplier<List<String>> peers,
            Duration lease,
            Clock clock,
            Duration peerTimeout) {
        this.query = new PeerQuery(peerTimeout);
        this.local = local;
        this.peers = peers;
        this.lease = lease;
        this.clock = clock;
    }

    @Override
    public Reply answer(Request request) throws IOException {
        if (!request.method().equals("GET")) {
            return Reply.methodNotAllowed("GET");
        }
        List<AlertState> states = new ArrayList<>();
        for (String state : request.parameters("state")) {
            try {
                states.add(AlertState.of(state));
            } catch (IllegalArgumentException e) {
                return Reply.text(400, "state: " + e.getMessage() + "\n");
            }
        }
        List<TrackedAlert> held;
        try {
            held = local.get();
        } catch (IllegalStateException e) {
            return Reply.text(503, e.getMessage() + "\n");
        }
        List<JsonNode> alerts = new ArrayList<>();
        for (TrackedAlert a : held) {
            alerts.add(WireCodec.json()
                    .valueToTree(a.toWire(AlertChange.STATE, a.lastSentAt().orElse(clock.instant()), lease)));
        }
        List<String> unreachable = new ArrayList<>();
        boolean localOnly =
                request.parameter("local").map(Boolean::parseBoolean).orElse(false);
        int instances = 1;
        if (!localOnly) {
            for (Map.Entry<String, Optional<JsonNode>> answer :
                    query.askAll(peers.get(), "/api/alerts?local=true").entrySet()) {
                instances++;
                answer.getValue()
                        .map(n -> n.path("alerts"))
                        .ifPresentOrElse(n -> n.forEach(alerts::add), () -> unreachable.add(answer.getKey()));
            }
        }
        ObjectNode root = WireCodec.json().createObjectNode();
        ArrayNode list = root.putArray("alerts");
        alerts.stream()
                .filter(a -> states.isEmpty()
                        || states.stream()
                                .anyMatch(s -> s.wire().equals(a.path("state").asText())))
                .sorted(Comparator.comparing(
                                (JsonNode a) -> a.path("labels").path("cluster").asText())
                        .thenComparing(a -> a.path("labels").path("node").asText())
                        .thenComparing(a -> a.path("rule").asText())
                        .thenComparing(a -> a.path("fingerprint").asText()))
                .forEach(list::add);
        root.put("instances", instances);
        ArrayNode missing = root.putArray("unreachable");
        unreachable.forEach(missing::add);
        return Reply.json(200, WireCodec.json().writeValueAsBytes(root));
    }
}
