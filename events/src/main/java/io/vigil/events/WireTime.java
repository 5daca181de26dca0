package io.vigil.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The times a Vigil record may carry, from {@link #EARLIEST} (1970-01-01T00:00:00Z) to
 * {@link #LATEST} (9999-12-31T23:59:59.999999999Z), written as ISO-8601 strings. Every time on
 * the wire (an envelope's {@code ts}, an alert's times, a silence's span, a cause's {@code ts})
 * is read here. Java reads times far wider, but the engine's arithmetic does not: its timers
 * record an event's age ({@code now - ts}) in nanoseconds, which overflows a long for anything
 * more than 292 years old, so a record stamped in year 1 failed inside the engine rather than at
 * the door. 1970 is as early as an agent with an unset clock stamps; 9999 is the last year ISO-8601
 * writes without a sign, and the window holds until the engine's own clock reads 2262.
 */
public final class WireTime {
    public static final Instant EARLIEST = Instant.EPOCH;
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private WireTime() {}

    /** Reads {@code text} as a Vigil time; the error names {@code field} and the text. */
    public static Instant parse(String field, String text) throws DecodeException {
        Instant time;
        try {
            time = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new DecodeException(
                    field, "'" + Name.printable(text) + "' is not an ISO-8601 time (like 2026-11-24T21:03:07Z)");
        }
        if (time.isBefore(EARLIEST) || time.isAfter(LATEST)) {
            throw new DecodeException(
                    field, "'" + Name.printable(text) + "' is outside the years 1970 to 9999 that Vigil accepts");
        }
        return time;
    }

    /** Every {@link Instant} field of a record read by {@link WireCodec} comes through {@link #parse}. */
    static final class Deserializer extends StdScalarDeserializer<Instant> {
        Deserializer() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
            }
            try {
                return parse("", p.getText());
            } catch (DecodeException e) {
                // the codec adds the field's path on the way out
                throw JsonMappingException.from(p, e.getMessage());
            }
        }
    }
}
