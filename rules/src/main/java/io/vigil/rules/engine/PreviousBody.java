package io.vigil.rules.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/** The body of the last event of a scope, kept only for kinds whose rules read {@code prev}. */
public record PreviousBody(Instant at, JsonNode body) {
    public PreviousBody {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(body, "body");
    }
}
