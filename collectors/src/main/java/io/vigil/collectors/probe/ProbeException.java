package io.vigil.collectors.probe;

/** A probe run that failed; the message says what and where, for the heartbeat and the log. */
public final class ProbeException extends Exception {
    public ProbeException(String message) {
        super(message);
    }

    public ProbeException(String message, Throwable cause) {
        super(message, cause);
    }
}
