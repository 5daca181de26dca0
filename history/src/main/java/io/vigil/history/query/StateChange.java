package io.vigil.history.query;

import java.util.Optional;

/** One change of a volume's DRBD states towards a peer, as the node that saw it reported; {@code disk} is empty where it was not reported. */
public record StateChange(
        long atMs,
        String cluster,
        String node,
        String resource,
        int volume,
        String peer,
        String role,
        Optional<String> disk,
        String connection,
        String replication,
        String peerDisk,
        String peerRole) {}
