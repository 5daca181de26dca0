package io.vigil.rules.stream;

import io.vigil.events.Topics;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The partition counts the engine's tasks are cut by: of its source topics ({@code vigil.telemetry},
 * and {@code vigil.failover-commands} when it runs the failover) and of its stores' changelog
 * topics that exist. Agents and {@code vigil approve} key their records by cluster, and Kafka's
 * default partitioner puts a key in murmur2(key) mod the count; the engine's task N holds the
 * clusters of partition N and their state. So the sources must share one count, and the
 * changelogs keep the count they were made with: Kafka Streams refuses to run when a changelog's
 * count differs from its source's (it cannot move a cluster's state to the partition its key now
 * goes to), and an engine that went on with the old count would evaluate moved clusters twice or
 * never. This says what disagrees and how the operator gets out of it.
 *
 * @param sources    topic to partition count
 * @param changelogs the changelog topics of the engine's stores that exist, to their partition count
 */
record PartitionLayout(Map<String, Integer> sources, Map<String, Integer> changelogs) {
    PartitionLayout {
        sources = Map.copyOf(sources);
        changelogs = Map.copyOf(changelogs);
        if (!sources.containsKey(Topics.TELEMETRY)) {
            throw new IllegalArgumentException("the layout has no " + Topics.TELEMETRY);
        }
    }

    /** The count of {@code vigil.telemetry}, which decides which task watches which cluster. */
    int telemetry() {
        return sources.get(Topics.TELEMETRY);
    }

    /** Why the engine may not start on this layout, with what to do; empty when the counts agree. */
    Optional<String> problemAtStart(Reset reset) {
        int telemetry = telemetry();
        for (Map.Entry<String, Integer> source : new TreeMap<>(sources).entrySet()) {
            if (source.getValue() != telemetry) {
                int larger = Math.max(source.getValue(), telemetry);
                String smaller = source.getValue() < telemetry ? source.getKey() : Topics.TELEMETRY;
                // the stores follow the larger count already (Kafka Streams made them so): growing the smaller is
                // enough
                boolean storesDisagree = changelogs.values().stream().anyMatch(n -> n != larger);
                return Optional.of(
                        source.getKey() + " has " + source.getValue() + " partitions and " + Topics.TELEMETRY + " "
                                + telemetry
                                + ": both are keyed by cluster, and a cluster's failover commands must reach the task that holds"
                                + " its telemetry, so the engine does not start. "
                                + (storesDisagree
                                        ? "To evaluate on " + larger + " partitions: " + reset.steps(larger, sources)
                                        : "Grow " + smaller + " to " + larger + " (kafka-topics.sh --bootstrap-server "
                                                + reset.bootstrap() + " --alter --topic " + smaller + " --partitions "
                                                + larger + ") and start the engine"));
            }
        }
        for (Map.Entry<String, Integer> changelog : new TreeMap<>(changelogs).entrySet()) {
            if (changelog.getValue() != telemetry) {
                return Optional.of(
                        Topics.TELEMETRY + " has " + telemetry + " partitions but the engine's stores were made for "
                                + changelog.getValue() + " (" + changelog.getKey() + " has " + changelog.getValue()
                                + "): Kafka Streams does"
                                + " not run so, and a cluster's state is in the task of the partition its records went to before; the engine"
                                + " does not start. To evaluate on " + telemetry + " partitions: "
                                + reset.steps(telemetry, sources));
            }
        }
        return Optional.empty();
    }

    /**
     * Why an engine that started on {@code started} partitions may not go on with this layout, with
     * what to do; empty when no source's count changed.
     */
    Optional<String> changedFrom(int started, Reset reset) {
        for (Map.Entry<String, Integer> source : new TreeMap<>(sources).entrySet()) {
            if (source.getValue() != started) {
                int now = source.getValue();
                return Optional.of(
                        source.getKey() + " now has " + now + " partitions, not the " + started + " this engine started"
                                + " with: a cluster's records go to the partition its id hashes to among " + now
                                + ", while the engine's tasks"
                                + " and their stores are cut for " + started
                                + " (Kafka Streams refuses to go on so), so the engine stops"
                                + " rather than evaluate some clusters twice and others never. To evaluate on " + now
                                + " partitions: "
                                + reset.steps(now, sources));
            }
        }
        return Optional.empty();
    }

    /** Where the operator resets the engine: its Kafka and its application id. */
    record Reset(Object bootstrap, String applicationId) {
        /** The steps that make the engine run on {@code count} partitions; {@code sources} the counts now. */
        String steps(int count, Map<String, Integer> sources) {
            StringBuilder grow = new StringBuilder();
            new TreeMap<>(sources).forEach((topic, partitions) -> {
                if (partitions < count) {
                    grow.append(" grow ")
                            .append(topic)
                            .append(" to ")
                            .append(count)
                            .append(" (kafka-topics.sh --bootstrap-server ")
                            .append(bootstrap)
                            .append(" --alter --topic ")
                            .append(topic)
                            .append(" --partitions ")
                            .append(count)
                            .append(");");
                }
            });
            return "stop every engine instance of " + applicationId + ";" + grow
                    + " run kafka-streams-application-reset.sh"
                    + " --bootstrap-server " + bootstrap + " --application-id " + applicationId
                    + " --force (it deletes the"
                    + " engine's changelog topics and keeps its place in " + Topics.TELEMETRY
                    + "; its stores are in memory, nothing to"
                    + " delete on disk); start the engines. They start with empty state:"
                    + " alerts that still hold fire anew, an open page whose problem ended meanwhile gets no resolve from Vigil"
                    + " (close it by hand), and a failover saga in flight is forgotten (" + Topics.AUDIT
                    + " has its last step)";
        }
    }
}
