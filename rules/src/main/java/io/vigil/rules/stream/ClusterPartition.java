package io.vigil.rules.stream;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The telemetry partition a cluster's records land in: agents key them by cluster id and Kafka's
 * default partitioner hashes the key with murmur2. The engine needs it to know which clusters of
 * its config are a task's to watch before they have sent anything.
 */
final class ClusterPartition {
    private ClusterPartition() {}

    static int of(String cluster, int partitions) {
        return Utils.toPositive(Utils.murmur2(cluster.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
