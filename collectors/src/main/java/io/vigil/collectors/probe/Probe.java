package io.vigil.collectors.probe;

/**
 * A source of facts about the host. Either polled on an interval ({@link PolledProbe}) or
 * streaming from a long-running tool ({@link StreamingProbe}).
 */
public sealed interface Probe permits PolledProbe, StreamingProbe {
    /** The probe's name in health reports, metrics and logs ("drbd", "smart", "lvm", "vm"). */
    String name();
}
