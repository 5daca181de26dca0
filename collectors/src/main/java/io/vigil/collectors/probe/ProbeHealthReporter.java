package io.vigil.collectors.probe;

/** How a probe tells the agent that a read succeeded or failed (feeds heartbeat and metrics). */
public interface ProbeHealthReporter {
    void succeeded(String probe);

    void failed(String probe, String error);
}
