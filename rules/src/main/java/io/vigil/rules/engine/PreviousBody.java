package io.vigil.rules.engine;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * The last event of a scope, kept only for kinds whose rules read {@code prev}: when the engine
 * saw it, and the event as it came off the wire. Its bytes are kept as they are, so keeping it
 * costs no encoding, and it is decoded only when a rule actually reads it.
 */
public record PreviousBody(Instant at, byte[] envelope) {
    public PreviousBody {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(envelope, "envelope");
    }

    /** Eight bytes of milliseconds since the epoch, then the envelope. */
    public byte[] toBytes() {
        return ByteBuffer.allocate(8 + envelope.length)
                .putLong(at.toEpochMilli())
                .put(envelope)
                .array();
    }

    public static PreviousBody fromBytes(byte[] bytes) {
        if (bytes.length < 8) {
            throw new IllegalArgumentException("a previous body of " + bytes.length + " bytes is too short");
        }
        return new PreviousBody(
                Instant.ofEpochMilli(ByteBuffer.wrap(bytes).getLong()), Arrays.copyOfRange(bytes, 8, bytes.length));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreviousBody p && p.at.equals(at) && Arrays.equals(p.envelope, envelope);
    }

    @Override
    public int hashCode() {
        return 31 * at.hashCode() + Arrays.hashCode(envelope);
    }

    @Override
    public String toString() {
        return "PreviousBody[at=" + at + ", " + envelope.length + " bytes]";
    }
}
