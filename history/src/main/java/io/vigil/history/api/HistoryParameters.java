package io.vigil.history.api;

import io.vigil.events.Name;
import io.vigil.history.query.QueryRefused;
import io.vigil.history.query.RowLimit;
import io.vigil.history.query.TimeRange;
import io.vigil.service.config.DurationText;
import io.vigil.service.http.HttpEndpoint.Request;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A history request's query parameters, read and checked before anything is asked of the
 * database: each bad one is a {@link QueryRefused} naming it. Times are RFC 3339
 * ({@code 2026-12-01T00:00:00Z}, any offset), {@code now}, or a duration before now ({@code 90d},
 * {@code 1h30m}); durations as everywhere in Vigil. A parameter the route does not know is refused,
 * so that a misspelt filter is not silently ignored.
 */
final class HistoryParameters {
    /** The range when {@code from} is not given: the last day. */
    static final Duration DEFAULT_SPAN = Duration.ofDays(1);

    private final Request request;
    private final Instant now;

    HistoryParameters(Request request, Instant now, Set<String> known) {
        this.request = request;
        this.now = now;
        for (String name : request.query().keySet()) {
            if (!known.contains(name)) {
                throw new QueryRefused(
                        Name.printable(name),
                        "is not a parameter here (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    Optional<String> text(String name) {
        List<String> values = request.parameters(name);
        if (values.size() > 1) {
            throw new QueryRefused(name, "is given " + values.size() + " times; give it once");
        }
        return values.isEmpty() || values.get(0).isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    Optional<String> name(String name) {
        return text(name).map(v -> QueryRefused.name(name, v));
    }

    String requiredName(String name) {
        return name(name).orElseThrow(() -> new QueryRefused(name, "is missing (e.g. " + name + "=r0)"));
    }

    TimeRange range() {
        Instant to = text("to").map(t -> instant("to", t)).orElse(now);
        Instant from = text("from").map(t -> instant("from", t)).orElse(to.minus(DEFAULT_SPAN));
        if (!from.isBefore(to)) {
            throw new QueryRefused("from", from + " is not before to (" + to + ")");
        }
        return TimeRange.of(from, to);
    }

    Optional<Duration> duration(String name) {
        return text(name).map(t -> {
            try {
                return DurationText.parse(t);
            } catch (IllegalArgumentException e) {
                throw new QueryRefused(name, e.getMessage());
            }
        });
    }

    RowLimit limit() {
        return text("limit")
                .map(t -> {
                    try {
                        return new RowLimit(Integer.parseInt(t));
                    } catch (NumberFormatException e) {
                        throw new QueryRefused(
                                "limit",
                                "'" + Name.printable(t) + "' is not a whole number (1 to " + RowLimit.MAX + ")");
                    }
                })
                .orElse(RowLimit.STANDARD);
    }

    private Instant instant(String name, String text) {
        if (text.equals("now")) {
            return now;
        }
        if (Character.isDigit(text.charAt(0)) && !text.contains("-")) {
            try {
                return now.minus(DurationText.parse(text));
            } catch (IllegalArgumentException e) {
                throw new QueryRefused(
                        name, e.getMessage().replace(")", ", or an RFC 3339 time such as 2026-12-01T00:00:00Z)"));
            }
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new QueryRefused(
                    name,
                    "'" + Name.printable(text) + "' is not a time (an RFC 3339 time such as 2026-12-01T00:00:00Z,"
                            + " now, or a duration before now such as 90d or 1h)");
        }
    }
}
