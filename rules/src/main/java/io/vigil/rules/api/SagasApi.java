package io.vigil.rules.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.events.FailoverCommand;
import io.vigil.events.Name;
import io.vigil.events.WireCodec;
import io.vigil.rules.failover.ResourceFailovers;
import io.vigil.rules.failover.SagaPhase;
import io.vigil.service.http.HttpEndpoint.Reply;
import io.vigil.service.http.HttpEndpoint.Request;
import io.vigil.service.http.HttpEndpoint.Route;
import io.vigil.service.terminal.TerminalText;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failover over HTTP. {@code GET /api/sagas} lists every saga, current and recently ended, of
 * the clusters this instance holds and (without {@code local=true}) of the other instances, as
 * {@code GET /api/alerts} does. {@code POST /api/sagas/SAGA/approve} and {@code POST
 * /api/failback/CLUSTER/RESOURCE} write a {@link FailoverCommand} to {@code
 * vigil.failover-commands}, keyed by cluster, for the task that holds the saga, naming the saga
 * they found (a failback too, so that it cannot act on a later saga); they answer 202:
 * the saga acts on it in order with the cluster's telemetry, and {@code vigil sagas} shows the
 * effect. Who asks is {@code by} (a query parameter or a JSON body field; "api" by default). When
 * a token is configured, the commands need {@code Authorization: Bearer TOKEN}. On an engine whose
 * config has no failover, every route answers 404.
 */
public final class SagasApi {
    private static final Logger log = LoggerFactory.getLogger(SagasApi.class);
    private static final String THIS_INSTANCE = "this instance";
    /** The phases in which approve does something: it lets a waiting saga act, a held one go on, a stuck one retry. */
    private static final List<SagaPhase> APPROVABLE_PHASES =
            List.of(SagaPhase.AWAITING_APPROVAL, SagaPhase.HELD, SagaPhase.STUCK);

    private static final Set<String> APPROVABLE =
            APPROVABLE_PHASES.stream().map(SagaPhase::word).collect(Collectors.toSet());
    private static final String APPROVABLE_WORDS =
            APPROVABLE_PHASES.get(0).word() + ", " + APPROVABLE_PHASES.get(1).word() + " or "
                    + APPROVABLE_PHASES.get(2).word();

    /** Where commands go: the failover commands topic, written through an idempotent producer. */
    @FunctionalInterface
    public interface CommandWriter {
        void write(FailoverCommand command) throws IOException;
    }

    private final Supplier<Optional<List<ResourceFailovers>>> local;
    private final Supplier<List<String>> peers;
    private final CommandWriter writer;
    private final ApiToken token;
    private final Clock clock;
    private final PeerQuery query = new PeerQuery();

    /**
     * {@code local}: the failovers this instance holds, empty when the engine runs without failover
     * (throws {@link IllegalStateException} while it is not ready); {@code peers}: host:port of the
     * other instances' APIs.
     */
    public SagasApi(
            Supplier<Optional<List<ResourceFailovers>>> local,
            Supplier<List<String>> peers,
            CommandWriter writer,
            Optional<String> token,
            Clock clock) {
        this.local = local;
        this.peers = peers;
        this.writer = writer;
        this.token = new ApiToken(token);
        this.clock = clock;
    }

    /** A saga as JSON and the instance that told it: "this instance" or a peer's host:port. */
    private record Told(JsonNode saga, String from) {}

    /** What the instances answered: the sagas as JSON, and the peers that did not answer. */
    private record Known(List<Told> told, int instances, List<String> unreachable) {
        Optional<Told> find(Predicate<JsonNode> which) {
            return told.stream().filter(t -> which.test(t.saga())).findFirst();
        }

        List<JsonNode> sagas() {
            return told.stream().map(Told::saga).toList();
        }
    }

    /** The route of {@code /api/sagas}. */
    public Route list() {
        return request -> {
            if (!request.method().equals("GET")) {
                return Reply.methodNotAllowed("GET");
            }
            boolean localOnly =
                    request.parameter("local").map(Boolean::parseBoolean).orElse(false);
            Known k;
            try {
                k = known(localOnly);
            } catch (CannotTell e) {
                return e.reply;
            }
            ObjectNode root = WireCodec.json().createObjectNode();
            ArrayNode list = root.putArray("sagas");
            k.sagas().stream()
                    .sorted(Comparator.comparing(
                                    (JsonNode s) -> !s.path("current").asBoolean())
                            .thenComparing(s -> s.path("cluster").asText())
                            .thenComparing(s -> s.path("resource").asText())
                            .thenComparing(s -> s.path("startedAt").asText(), Comparator.reverseOrder()))
                    .forEach(list::add);
            root.put("instances", k.instances());
            ArrayNode missing = root.putArray("unreachable");
            k.unreachable().forEach(missing::add);
            return Reply.json(200, WireCodec.json().writeValueAsBytes(root));
        };
    }

    /** The route of {@code /api/sagas/SAGA/approve}. */
    public Route approve() {
        return request -> {
            if (!request.method().equals("POST")) {
                return Reply.methodNotAllowed("POST");
            }
            String rest = request.path().substring("/api/sagas/".length());
            if (!rest.endsWith("/approve")) {
                return Reply.text(
                        404,
                        "POST /api/sagas/SAGA/approve approves a saga; " + TerminalText.of(request.path())
                                + " is not a route\n");
            }
            Optional<Reply> refused = token.refuse(request, "approving a failover");
            if (refused.isPresent()) {
                return refused.get();
            }
            String sagaId;
            String by;
            try {
                sagaId = Name.check("sagaId", rest.substring(0, rest.length() - "/approve".length()));
                by = by(request);
            } catch (IllegalArgumentException e) {
                return Reply.text(400, e.getMessage() + "\n");
            }
            // the id's parts cannot be split from it (a cluster's name may hold ':'): the saga itself says where it
            // runs
            Known k;
            try {
                k = known(false);
            } catch (CannotTell e) {
                return e.reply;
            }
            Optional<Told> found = k.find(s -> s.path("sagaId").asText().equals(sagaId));
            if (found.isEmpty()) {
                return notFound(k, "no saga " + sagaId + " (vigil sagas --all lists them)");
            }
            JsonNode saga = found.get().saga();
            if (!saga.path("current").asBoolean()) {
                return Reply.text(
                        409,
                        "saga " + sagaId + " has ended ("
                                + TerminalText.of(saga.path("phase").asText()) + "): there is nothing to approve\n");
            }
            String phase = saga.path("phase").asText();
            if (!APPROVABLE.contains(phase)) {
                // the engine would ignore it: a 202 would tell the operator something happened
                return Reply.text(
                        409,
                        "saga " + sagaId + " is " + TerminalText.of(phase)
                                + ": approve lets a saga act only when it is " + APPROVABLE_WORDS + "\n");
            }
            return send(found.get(), FailoverCommand.Verb.APPROVE, by);
        };
    }

    /** The route of {@code /api/failback/CLUSTER/RESOURCE}. */
    public Route failback() {
        return request -> {
            if (!request.method().equals("POST")) {
                return Reply.methodNotAllowed("POST");
            }
            String[] parts = request.path().substring("/api/failback/".length()).split("/", -1);
            if (parts.length != 2) {
                return Reply.text(
                        404,
                        "POST /api/failback/CLUSTER/RESOURCE asks for a failback; " + TerminalText.of(request.path())
                                + " is not a route\n");
            }
            Optional<Reply> refused = token.refuse(request, "asking for a failback");
            if (refused.isPresent()) {
                return refused.get();
            }
            String cluster;
            String resource;
            String by;
            try {
                cluster = Name.check("cluster", parts[0]);
                resource = Name.check("resource", parts[1]);
                by = by(request);
            } catch (IllegalArgumentException e) {
                return Reply.text(400, e.getMessage() + "\n");
            }
            Known k;
            try {
                k = known(false);
            } catch (CannotTell e) {
                return e.reply;
            }
            Optional<Told> found = k.find(s -> s.path("current").asBoolean()
                    && s.path("cluster").asText().equals(cluster)
                    && s.path("resource").asText().equals(resource));
            if (found.isEmpty()) {
                return notFound(
                        k,
                        "no failover of " + resource + " in " + cluster + " is in progress (vigil sagas lists them)");
            }
            // the saga it was asked of: if another saga of the resource runs by the time the engine reads it, it is
            // ignored
            return send(found.get(), FailoverCommand.Verb.FAILBACK, by);
        };
    }

    /** Why the sagas cannot be told: the failover is not configured, or the engine is not ready. */
    private static final class CannotTell extends Exception {
        private final transient Reply reply;

        CannotTell(Reply reply) {
            super(null, null, false, false);
            this.reply = reply;
        }
    }

    /** What the instances know. */
    private Known known(boolean localOnly) throws CannotTell {
        Optional<List<ResourceFailovers>> held;
        try {
            held = local.get();
        } catch (IllegalStateException e) {
            throw new CannotTell(Reply.text(503, e.getMessage() + "\n"));
        }
        if (held.isEmpty()) {
            throw new CannotTell(Reply.text(
                    404, "failover is not configured on this engine (its config has no failover section)\n"));
        }
        Instant now = clock.instant();
        List<Told> sagas = new ArrayList<>();
        for (ResourceFailovers r : held.get()) {
            r.current().ifPresent(s -> sagas.add(new Told(SagaJson.of(s, true, now), THIS_INSTANCE)));
            r.recent().forEach(s -> sagas.add(new Told(SagaJson.of(s, false, now), THIS_INSTANCE)));
        }
        List<String> unreachable = new ArrayList<>();
        int instances = 1;
        if (!localOnly) {
            for (Map.Entry<String, Optional<JsonNode>> answer :
                    query.askAll(peers.get(), "/api/sagas?local=true").entrySet()) {
                instances++;
                String peer = answer.getKey();
                answer.getValue()
                        .map(n -> n.path("sagas"))
                        .ifPresentOrElse(
                                n -> n.forEach(s -> sagas.add(new Told(s, peer))), () -> unreachable.add(peer));
            }
        }
        return new Known(sagas, instances, unreachable);
    }

    /** The command {@code verb} for the saga {@code told}; 503 when the instance that told it named no valid saga, cluster or resource. */
    private Reply send(Told told, FailoverCommand.Verb verb, String by) throws IOException {
        FailoverCommand command;
        try {
            command = new FailoverCommand(
                    verb,
                    told.saga().path("cluster").asText(),
                    told.saga().path("resource").asText(),
                    Name.check("sagaId", told.saga().path("sagaId").asText()),
                    by,
                    clock.instant());
        } catch (IllegalArgumentException e) {
            // a peer of another version, or a broken one: nothing is sent on its word
            log.warn("{} told a saga the API cannot act on: {}", told.from(), e.getMessage());
            return Reply.text(
                    503,
                    TerminalText.of(told.from()) + " told of a saga without a valid cluster, resource or id ("
                            + TerminalText.of(e.getMessage()) + "): it cannot be acted on; check that instance\n");
        }
        try {
            writer.write(command);
        } catch (IOException e) {
            // a write that timed out may still have reached the topic: a blind retry could be a second command
            log.warn(
                    "failover command {} {} by {} not confirmed by Kafka: {}",
                    command.verb().wire(),
                    command.sagaId(),
                    command.by(),
                    e.getMessage());
            return Reply.text(
                    503,
                    "Kafka did not confirm the command (" + e.getMessage()
                            + "): the command may still arrive; check vigil sagas before retrying\n");
        }
        log.info(
                "failover command {} {} by {} accepted through the API",
                command.verb().wire(),
                command.sagaId(),
                command.by());
        return Reply.json(202, WireCodec.encode(command));
    }

    /** 404, or 503 when an instance that may hold it did not answer. */
    private static Reply notFound(Known k, String message) {
        if (!k.unreachable().isEmpty()) {
            return Reply.text(
                    503,
                    message + " on the instances that answered; " + String.join(", ", k.unreachable())
                            + " did not: try again when they do\n");
        }
        return Reply.text(404, message + "\n");
    }

    /**
     * Who asks: {@code ?by=} or {"by": ...} in the body (the query first), "api" when neither; a
     * name, as it goes into logs and the audit trail. A body is read even when the query says who:
     * a body that is not what it should be is refused, not ignored.
     */
    private static String by(Request request) {
        Optional<String> inBody = byInBody(request);
        return Name.check("by", request.parameter("by").or(() -> inBody).orElse("api"));
    }

    private static Optional<String> byInBody(Request request) {
        if (request.body().length > 0) {
            JsonNode body;
            try {
                body = WireCodec.json().readTree(request.body());
            } catch (IOException e) {
                throw new IllegalArgumentException("by: the body is not JSON: "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
            if (body == null || !body.isObject()) {
                throw new IllegalArgumentException("by: the body is a JSON object, e.g. {\"by\": \"ops\"}");
            }
            if (body.has("by")) {
                if (!body.get("by").isTextual()) {
                    throw new IllegalArgumentException("by: is a name, e.g. {\"by\": \"ops\"}");
                }
                return Optional.of(Name.check("by", body.get("by").asText()));
            }
        }
        return Optional.empty();
    }
}
