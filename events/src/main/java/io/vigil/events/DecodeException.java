package io.vigil.events;

/** A record that cannot be read: {@code field} says where ("body.devices[0].disk"), the message what. */
public final class DecodeException extends Exception {
    private final String field;

    public DecodeException(String field, String problem) {
        super(field.isEmpty() ? problem : field + ": " + problem);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
