package io.vigil.rules.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.events.Silence;
import io.vigil.events.WireCodec;
import io.vigil.rules.silence.SilenceSchedule;
import io.vigil.service.http.HttpEndpoint.Reply;
import io.vigil.service.http.HttpEndpoint.Request;
import io.vigil.service.http.HttpEndpoint.Route;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Silences and maintenance windows over HTTP: {@code GET /api/silences} lists them with their
 * status, {@code POST /api/silences} creates (or, given its id, changes) one, and
 * {@code DELETE /api/silences/ID} expires one. They are written to the compacted silences topic,
 * which every engine instance reads, so it does not matter which instance is asked. When a token
 * is configured, changes need {@code Authorization: Bearer TOKEN}.
 */
public final class SilencesApi {
    private static final Logger log = LoggerFactory.getLogger(SilencesApi.class);

    /** Where accepted silences go: the silences topic, written through an idempotent producer. */
    @FunctionalInterface
    public interface SilenceWriter {
        void write(Silence silence) throws IOException;
    }

    private final Supplier<Collection<Silence>> stored;
    private final SilenceWriter writer;
    private final ApiToken token;
    private final Clock clock;

    public SilencesApi(
            Supplier<Collection<Silence>> stored, SilenceWriter writer, Optional<String> token, Clock clock) {
        this.stored = stored;
        this.writer = writer;
        this.token = new ApiToken(token);
        this.clock = clock;
    }

    /** The route of {@code /api/silences}: list and create. */
    public Route collection() {
        return request -> switch (request.method()) {
            case "GET" -> list();
            case "POST" -> create(request);
            default -> Reply.methodNotAllowed("GET, POST");
        };
    }

    /** The route of {@code /api/silences/ID}: expire. */
    public Route single() {
        return request -> {
            if (!request.method().equals("DELETE")) {
                return Reply.methodNotAllowed("DELETE");
            }
            Optional<Reply> refused = authorize(request);
            if (refused.isPresent()) {
                return refused.get();
            }
            String id = request.path().substring("/api/silences/".length());
            Optional<Silence> silence =
                    stored.get().stream().filter(s -> s.id().equals(id)).findFirst();
            if (silence.isEmpty()) {
                return Reply.text(404, "no silence " + id + " (vigil silence list shows them)\n");
            }
            Instant now = clock.instant();
            Silence s = silence.get();
            Silence expired = new Silence(
                    s.id(),
                    s.matchers(),
                    s.startsAt().isAfter(now) ? now : s.startsAt(),
                    s.expiredAt(now) ? s.endsAt() : now,
                    s.createdBy(),
                    s.comment(),
                    s.recurrence(),
                    now);
            writer.write(expired);
            log.info("silence {} expired through the API ({})", id, s.comment());
            return Reply.json(
                    200,
                    WireCodec.json()
                            .writeValueAsBytes(WireCodec.json()
                                    .createObjectNode()
                                    .put("silenceID", id)
                                    .put("endsAt", expired.endsAt().toString())));
        };
    }

    private Reply list() throws IOException {
        Instant now = clock.instant();
        ObjectNode root = WireCodec.json().createObjectNode();
        ArrayNode list = root.putArray("silences");
        stored.get().stream()
                .sorted(Comparator.comparing(Silence::endsAt).reversed())
                .forEach(s -> {
                    ObjectNode node = WireCodec.json().valueToTree(s);
                    node.put("status", status(s, now));
                    list.add(node);
                });
        return Reply.json(200, WireCodec.json().writeValueAsBytes(root));
    }

    static String status(Silence s, Instant now) {
        if (s.expiredAt(now)) {
            return "expired";
        }
        if (now.isBefore(s.startsAt())) {
            return "pending";
        }
        return SilenceSchedule.activeAt(s, now) ? "active" : "waiting";
    }

    private Reply create(Request request) throws IOException {
        Optional<Reply> refused = authorize(request);
        if (refused.isPresent()) {
            return refused.get();
        }
        Silence silence;
        try {
            JsonNode body = WireCodec.json().readTree(request.body());
            silence = SilenceRequest.read(body, clock.instant());
        } catch (IOException e) {
            return Reply.text(
                    400,
                    "the body is not JSON: "
                            + e.getMessage().lines().findFirst().orElse("") + "\n");
        } catch (IllegalArgumentException e) {
            return Reply.text(400, e.getMessage() + "\n");
        }
        writer.write(silence);
        log.info(
                "silence {} created by {} until {}: {} ({})",
                silence.id(),
                silence.createdBy(),
                silence.endsAt(),
                silence.matchers(),
                silence.comment());
        return Reply.json(
                200,
                WireCodec.json()
                        .writeValueAsBytes(WireCodec.json().createObjectNode().put("silenceID", silence.id())));
    }

    private Optional<Reply> authorize(Request request) {
        return token.refuse(request, "changing silences");
    }
}
