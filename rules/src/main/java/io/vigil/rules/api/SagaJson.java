package io.vigil.rules.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.events.WireCodec;
import io.vigil.rules.failover.Saga;
import io.vigil.rules.failover.SagaStep;
import io.vigil.service.config.DurationText;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * A saga as {@code GET /api/sagas} shows it: what an operator reads in {@code vigil sagas}, not the
 * store's whole record (no page bookkeeping, no last outputs beyond the stuck reason).
 */
final class SagaJson {
    private SagaJson() {}

    static ObjectNode of(Saga saga, boolean current, Instant now) {
        ObjectNode n = WireCodec.json().createObjectNode();
        n.put("sagaId", saga.sagaId())
                .put("cluster", saga.cluster())
                .put("resource", saga.resource())
                .put("current", current)
                .put("way", saga.way().wire())
                .put("failing", saga.failing())
                .put("survivor", saga.survivor())
                .put("phase", saga.phase().word())
                .put("startedAt", saga.startedAt().toString())
                .put("phaseSince", saga.phaseSince().toString());
        Duration age = Duration.between(saga.startedAt(), now);
        n.put("age", DurationText.format(age.isNegative() ? Duration.ZERO : Duration.ofSeconds(age.toSeconds())));
        n.put("reason", saga.reason());
        saga.heldBecause().ifPresent(h -> n.put("heldBecause", h));
        saga.stuckBecause().ifPresent(s -> n.put("stuckBecause", s));
        ArrayNode down = n.putArray("leftDown");
        saga.leftDown().forEach(down::add);
        ArrayNode steps = n.putArray("steps");
        for (SagaStep step : saga.steps().values()) {
            ObjectNode s = steps.addObject()
                    .put("name", step.name())
                    .put("node", step.node())
                    .put("type", step.type().wire())
                    .put("attempt", step.attempt())
                    .put("status", step.status().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            step.exitCode().ifPresent(c -> s.put("exitCode", c));
        }
        ArrayNode history = n.putArray("history");
        saga.history()
                .forEach(v -> history.addObject().put("phase", v.phase().word()).put("at", v.at().toString()));
        return n;
    }
}
