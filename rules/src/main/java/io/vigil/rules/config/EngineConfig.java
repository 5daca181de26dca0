package io.vigil.rules.config;

import io.vigil.events.ActionSeals;
import io.vigil.rules.engine.EngineLimits;
import io.vigil.rules.engine.EngineTiming;
import io.vigil.rules.engine.Roster;
import io.vigil.rules.notify.NotifyConfig;
import io.vigil.service.http.ListenAddress;
import io.vigil.service.topology.Topology;
import io.vigil.service.topology.TopologyFile;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The engine's configuration, as deploy/engine.yaml documents it. {@code kafka}: Kafka client
 * properties passed through as given (processing.guarantee is always exactly_once_v2).
 * {@code advertise}: how other engine instances reach this one's API, to answer for the whole
 * engine; empty when this instance runs alone. {@code limits}: how much one cluster may hold.
 * {@code failover}: the shared topology and the keys actions are sealed with; empty when the
 * {@code failover:} section is left out (the engine then only watches and alerts).
 */
public record EngineConfig(
        Map<String, Object> kafka,
        String applicationId,
        Path stateDir,
        int streamThreads,
        List<Path> rules,
        Roster roster,
        Topics topics,
        EngineTiming timing,
        Http http,
        Optional<NotifyConfig> notifications,
        EngineLimits limits,
        Optional<Failover> failover) {

    /**
     * The {@code failover:} section: the topology file (checked to agree with {@code clusters:}) and
     * the HMAC keys actions are sealed with, read from files or the environment, never the config.
     * Every node of the topology has a key: the saga can address no node it could not seal an action for.
     */
    public record Failover(TopologyFile topologyFile, ActionSeals seals) {
        public Failover {
            Objects.requireNonNull(topologyFile, "topologyFile");
            Objects.requireNonNull(seals, "seals");
            List<String> keyless = topologyFile.topology().clusters().values().stream()
                    .flatMap(c -> c.nodeNames().stream())
                    .filter(node -> seals.of(node).isEmpty())
                    .sorted()
                    .toList();
            if (!keyless.isEmpty()) {
                throw new IllegalArgumentException("no action key for the topology's nodes " + keyless
                        + ": the failover could send them nothing their agents accept");
            }
        }

        public Topology topology() {
            return topologyFile.topology();
        }
    }

    /** Whether the engine creates the Vigil topics it finds missing, and how. */
    public record Topics(boolean create, int partitions, short replicationFactor) {
        public Topics {
            if (partitions < 1) {
                throw new IllegalArgumentException("topics.partitions: must be 1 or more");
            }
            if (replicationFactor < 1) {
                throw new IllegalArgumentException("topics.replication_factor: must be 1 or more");
            }
        }
    }

    /** The HTTP side: where it listens, how other instances reach it, and the token that guards changes. */
    public record Http(ListenAddress listen, Optional<String> advertise, Optional<Path> tokenFile) {
        public Http {
            Objects.requireNonNull(listen, "listen");
            advertise = Objects.requireNonNullElse(advertise, Optional.empty());
            tokenFile = Objects.requireNonNullElse(tokenFile, Optional.empty());
        }
    }

    public EngineConfig {
        kafka = Collections.unmodifiableMap(new LinkedHashMap<>(kafka));
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(stateDir, "stateDir");
        rules = List.copyOf(rules);
        Objects.requireNonNull(roster, "roster");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(timing, "timing");
        Objects.requireNonNull(http, "http");
        notifications = Objects.requireNonNullElse(notifications, Optional.empty());
        Objects.requireNonNull(limits, "limits");
        failover = Objects.requireNonNullElse(failover, Optional.empty());
    }

    /** The same engine without failover. */
    public EngineConfig(
            Map<String, Object> kafka,
            String applicationId,
            Path stateDir,
            int streamThreads,
            List<Path> rules,
            Roster roster,
            Topics topics,
            EngineTiming timing,
            Http http,
            Optional<NotifyConfig> notifications,
            EngineLimits limits) {
        this(
                kafka,
                applicationId,
                stateDir,
                streamThreads,
                rules,
                roster,
                topics,
                timing,
                http,
                notifications,
                limits,
                Optional.empty());
    }

    /** The same engine with the default limits. */
    public EngineConfig(
            Map<String, Object> kafka,
            String applicationId,
            Path stateDir,
            int streamThreads,
            List<Path> rules,
            Roster roster,
            Topics topics,
            EngineTiming timing,
            Http http,
            Optional<NotifyConfig> notifications) {
        this(
                kafka,
                applicationId,
                stateDir,
                streamThreads,
                rules,
                roster,
                topics,
                timing,
                http,
                notifications,
                EngineLimits.DEFAULTS);
    }

    /** The same engine without a notifier. */
    public EngineConfig(
            Map<String, Object> kafka,
            String applicationId,
            Path stateDir,
            int streamThreads,
            List<Path> rules,
            Roster roster,
            Topics topics,
            EngineTiming timing,
            Http http) {
        this(
                kafka,
                applicationId,
                stateDir,
                streamThreads,
                rules,
                roster,
                topics,
                timing,
                http,
                Optional.empty(),
                EngineLimits.DEFAULTS);
    }

    /** The defaults, written once; deploy/engine.yaml spells out the same values. */
    public static final class Defaults {
        public static final String APPLICATION_ID = "vigil-engine";
        public static final Path STATE_DIR = Path.of("/var/lib/vigil/engine");
        public static final int STREAM_THREADS = 1;
        public static final ListenAddress LISTEN = new ListenAddress("127.0.0.1", 9465);
        public static final Topics TOPICS = new Topics(true, 6, (short) 1);

        private Defaults() {}
    }
}
