package io.vigil.collectors.publish;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vigil.events.EnvelopeCodec;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The two envelope fields the publisher needs for its metrics (kind and ts), read from a spooled
 * record without decoding the body: the codec writes them before the body.
 */
record EnvelopeHeader(String kind, Optional<Instant> ts) {
    static final EnvelopeHeader UNKNOWN = new EnvelopeHeader("unknown", Optional.empty());

    static EnvelopeHeader peek(byte[] encoded) {
        String kind = null;
        Instant ts = null;
        try (JsonParser parser = EnvelopeCodec.json().getFactory().createParser(encoded)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return UNKNOWN;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME && (kind == null || ts == null)) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("kind".equals(field) && value == JsonToken.VALUE_STRING) {
                    kind = parser.getText();
                } else if ("ts".equals(field) && value == JsonToken.VALUE_STRING) {
                    ts = Instant.parse(parser.getText());
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException | DateTimeParseException e) {
            return UNKNOWN;
        }
        return new EnvelopeHeader(kind == null ? UNKNOWN.kind() : kind, Optional.ofNullable(ts));
    }
}
