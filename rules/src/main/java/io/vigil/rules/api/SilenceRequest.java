package io.vigil.rules.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.events.DecodeException;
import io.vigil.events.LabelMatcher;
import io.vigil.events.Name;
import io.vigil.events.Recurrence;
import io.vigil.events.Silence;
import io.vigil.events.Weekday;
import io.vigil.events.WireTime;
import io.vigil.rules.silence.Matchers;
import io.vigil.service.config.DurationText;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A silence as the API takes it, checked field by field with messages that say what to send:
 *
 * <pre>
 * {"matchers": ["node=node-a", "alertname=~\"Disk.*\""],
 *  "startsAt": "2026-12-01T02:00:00Z", "endsAt": "..." | "duration": "2h",
 *  "createdBy": "ops@example.org", "comment": "disk swap, ticket 4711",
 *  "recurrence": {"weekdays": ["sunday"], "from": "02:00", "to": "04:00", "timeZone": "Europe/Berlin"},
 *  "id": "..." (to change an existing silence)}
 * </pre>
 */
final class SilenceRequest {
    private static final Duration MAX_ONE_OFF = Duration.ofDays(366);

    private SilenceRequest() {}

    static Silence read(JsonNode body, Instant now) {
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException(
                    "expected a JSON object with matchers, endsAt or duration, createdBy and comment");
        }
        List<LabelMatcher> matchers = new ArrayList<>();
        JsonNode list = body.path("matchers");
        if (!list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException("matchers: give at least one, e.g. [\"node=node-a\"]");
        }
        for (JsonNode m : list) {
            LabelMatcher matcher;
            if (m.isTextual()) {
                matcher = LabelMatcher.parse(m.asText());
            } else if (m.isObject()) {
                matcher = new LabelMatcher(
                        text(m, "name"), io.vigil.events.MatchOp.of(m.path("op").asText("=")), text(m, "value"));
            } else {
                throw new IllegalArgumentException("matchers: each is text (node=node-a) or {name, op, value}");
            }
            matchers.add(Matchers.check(matcher));
        }
        try {
            Matchers.checkSilence(matchers);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("matchers: " + e.getMessage(), e);
        }
        Instant startsAt = instant(body, "startsAt").orElse(now);
        Optional<Instant> endsAt = instant(body, "endsAt");
        if (body.hasNonNull("duration")) {
            if (endsAt.isPresent()) {
                throw new IllegalArgumentException("give endsAt or duration, not both");
            }
            try {
                endsAt = Optional.of(
                        startsAt.plus(DurationText.parse(body.get("duration").asText())));
            } catch (java.time.DateTimeException | ArithmeticException e) {
                throw new IllegalArgumentException(
                        "duration: '" + Name.printable(body.get("duration").asText()) + "' is too long");
            }
        }
        if (endsAt.isEmpty()) {
            throw new IllegalArgumentException("endsAt or duration: say when the silence ends (\"duration\": \"2h\")");
        }
        if (endsAt.get().isAfter(WireTime.LATEST)) {
            throw new IllegalArgumentException(
                    "duration: the silence would end after 9999, which Vigil does not accept; end it sooner");
        }
        if (!endsAt.get().isAfter(now)) {
            throw new IllegalArgumentException("endsAt: " + endsAt.get() + " is not in the future");
        }
        Optional<Recurrence> recurrence = recurrence(body.path("recurrence"));
        if (recurrence.isEmpty() && Duration.between(startsAt, endsAt.get()).compareTo(MAX_ONE_OFF) > 0) {
            throw new IllegalArgumentException(
                    "a silence longer than a year is a maintenance window: give it a recurrence");
        }
        String id = body.hasNonNull("id")
                ? Name.check("id", body.get("id").asText())
                : UUID.randomUUID().toString();
        return new Silence(
                id, matchers, startsAt, endsAt.get(), text(body, "createdBy"), text(body, "comment"), recurrence, now);
    }

    private static Optional<Recurrence> recurrence(JsonNode r) {
        if (r.isMissingNode() || r.isNull()) {
            return Optional.empty();
        }
        if (!r.isObject()) {
            throw new IllegalArgumentException("recurrence: expected {weekdays, from, to, timeZone}");
        }
        Set<Weekday> days = EnumSet.noneOf(Weekday.class);
        for (JsonNode d : r.path("weekdays")) {
            days.add(Weekday.of(d.asText()));
        }
        try {
            return Optional.of(new Recurrence(
                    days,
                    LocalTime.parse(text(r, "from")),
                    LocalTime.parse(text(r, "to")),
                    r.path("timeZone").asText("UTC")));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("recurrence: from and to are times of day, e.g. \"02:00\"");
        }
    }

    private static Optional<Instant> instant(JsonNode body, String field) {
        if (!body.hasNonNull(field)) {
            return Optional.empty();
        }
        try {
            // the wire's own rule, so that no silence is accepted here that the engine would refuse to read back
            return Optional.of(WireTime.parse(field, body.get(field).asText()));
        } catch (DecodeException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException(field + ": is missing");
        }
        return value.asText();
    }
}
