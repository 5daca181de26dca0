package io.vigil.collectors.probe;

/**
 * A probe that follows a long-running tool (drbdsetup events2). {@link #run} blocks until the
 * thread is interrupted; the probe restarts its tool itself, with backoff, and reports each
 * success and failure to {@code health}.
 */
public non-sealed interface StreamingProbe extends Probe {
    void run(EventSink sink, ProbeHealthReporter health) throws InterruptedException;
}
