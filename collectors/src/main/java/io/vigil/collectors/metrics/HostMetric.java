package io.vigil.collectors.metrics;

/**
 * One metric of the host's state, in Micrometer's dotted spelling; the Prometheus registry renders
 * it with its unit and type ("vigil.drbd.peer.device.out.of.sync" + bytes ->
 * vigil_drbd_peer_device_out_of_sync_bytes; a counter gains _total).
 *
 * @param baseUnit "bytes", "seconds", "celsius", "ratio" or null for plain numbers and states
 */
record HostMetric(String name, String description, String baseUnit, Type type) {
    enum Type {
        GAUGE,
        COUNTER
    }

    static HostMetric gauge(String name, String baseUnit, String description) {
        return new HostMetric(name, description, baseUnit, Type.GAUGE);
    }

    static HostMetric counter(String name, String baseUnit, String description) {
        return new HostMetric(name, description, baseUnit, Type.COUNTER);
    }
}
