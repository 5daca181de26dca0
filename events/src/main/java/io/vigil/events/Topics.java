package io.vigil.events;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Topic names, record keys and producer settings: the one place they are written down. */
public final class Topics {
    /** Key: cluster id, so that one engine instance sees every node of a pair in order. */
    public static final String TELEMETRY = "vigil.telemetry";
    /** Key: alert fingerprint. */
    public static final String ALERTS = "vigil.alerts";
    /** Key: target node. */
    public static final String ACTIONS = "vigil.actions";
    /**
     * Key: target node. Not written by this version: an executor's results travel on
     * {@link #TELEMETRY} as {@link ActionResult} events, so the saga reads them in order with its
     * cluster's telemetry. Created so that tools watching it find it.
     */
    public static final String ACTION_RESULTS = "vigil.action-results";
    /** Every failover decision, action, result and page, with the facts it rested on. Key: cluster. */
    public static final String AUDIT = "vigil.audit";
    /** Humans' approvals and failback requests. Key: cluster, partitioned as {@link #TELEMETRY} so the saga's task reads them. */
    public static final String FAILOVER_COMMANDS = "vigil.failover-commands";
    /** Records that could not be read, with the reason in a header. Key: as on the source topic. */
    public static final String DEADLETTER = "vigil.deadletter";

    /** Silences and maintenance windows. Key: silence id. Compacted: the newest record of each id is the silence. */
    public static final String SILENCES = "vigil.silences";

    /** What each receiver was last told of each alert group. Key: receiver and group. Compacted. */
    public static final String NOTIFICATIONS = "vigil.notifications";

    public static final List<String> ALL = List.of(
            TELEMETRY, ALERTS, ACTIONS, ACTION_RESULTS, AUDIT, FAILOVER_COMMANDS, DEADLETTER, SILENCES, NOTIFICATIONS);

    /**
     * Topics of one partition: the dead letters, read by people in order; silences, read whole
     * by every engine instance; the notification log, whose one partition is also the lease that
     * makes one notifier the active one.
     */
    public static final List<String> SINGLE_PARTITION = List.of(DEADLETTER, SILENCES, NOTIFICATIONS);

    /** Topics whose newest record per key is what counts; they are created compacted. */
    public static final List<String> COMPACTED = List.of(ALERTS, SILENCES, NOTIFICATIONS);

    private Topics() {}

    /** The partitions {@code topic} is created with when the partitioned topics get {@code partitions}: one for {@link #SINGLE_PARTITION}. */
    public static int partitions(String topic, int partitions) {
        return SINGLE_PARTITION.contains(topic) ? 1 : partitions;
    }

    /**
     * How long a record of {@link #ALERTS} stays whole before compaction may drop it for a newer
     * record of its alert ({@code min.compaction.lag.ms}): 24 hours. The newest record of an alert
     * forgotten for good is its deletion, a tombstone; compacted at once, the resolve before it is
     * gone, and a notifier that was down for hours reads the tombstone alone and never sends the
     * resolve (the page stays open). A day outlasts a notifier outage of hours, matches Kafka's
     * default {@code delete.retention.ms} for the tombstones themselves, and costs one day of alert
     * changes kept uncompacted, which are few.
     */
    public static final Duration ALERTS_MIN_COMPACTION_LAG = Duration.ofHours(24);

    /**
     * The settings {@code topic} is created with: {@code cleanup.policy=compact} for the
     * {@link #COMPACTED} topics, and for {@link #ALERTS} its {@link #ALERTS_MIN_COMPACTION_LAG}; none for the others.
     */
    public static Map<String, String> configs(String topic) {
        if (topic.equals(ALERTS)) {
            return Map.of(
                    "cleanup.policy",
                    "compact",
                    "min.compaction.lag.ms",
                    String.valueOf(ALERTS_MIN_COMPACTION_LAG.toMillis()));
        }
        return COMPACTED.contains(topic) ? Map.of("cleanup.policy", "compact") : Map.of();
    }

    public static String telemetryKey(Envelope envelope) {
        return envelope.cluster();
    }

    /**
     * Settings every Vigil producer uses whatever the user passes through: idempotence and
     * acks=all, so a retried send neither duplicates nor loses a record.
     */
    public static Map<String, String> producerGuarantees() {
        return Map.of(
                "enable.idempotence", "true",
                "acks", "all",
                "max.in.flight.requests.per.connection", "5");
    }
}
