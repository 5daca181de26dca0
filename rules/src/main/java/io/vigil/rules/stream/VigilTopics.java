package io.vigil.rules.stream;

import io.vigil.events.Topics;
import io.vigil.rules.config.EngineConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the Vigil topics exist before the engine starts: creates the missing ones when the
 * config allows (compacted where the newest record per key is what counts), or says which are
 * missing and how to create them; warns of a setting an existing topic has lower than the engine
 * would create it with ({@link TopicShortfall}). The partition counts the engine's tasks depend on
 * are {@link PartitionWatch}'s to check.
 */
final class VigilTopics {
    private static final Logger log = LoggerFactory.getLogger(VigilTopics.class);
    private static final String MIN_COMPACTION_LAG = "min.compaction.lag.ms";

    private VigilTopics() {}

    static void ensure(Map<String, Object> kafka, EngineConfig.Topics settings) {
        Map<String, Object> admin = new HashMap<>(kafka);
        admin.putIfAbsent("request.timeout.ms", 15_000);
        admin.putIfAbsent("default.api.timeout.ms", 30_000);
        try (Admin client = Admin.create(admin)) {
            Set<String> existing = client.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : Topics.ALL) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(
                                    topic,
                                    Topics.partitions(topic, settings.partitions()),
                                    settings.replicationFactor())
                            .configs(Topics.configs(topic)));
                }
            }
            if (!missing.isEmpty()) {
                List<String> names = missing.stream().map(NewTopic::name).toList();
                if (!settings.create()) {
                    throw new IllegalStateException("the Vigil topics " + names + " do not exist on "
                            + kafka.get("bootstrap.servers")
                            + "; create them (kafka-topics.sh --create ...; " + listed(Topics.COMPACTED)
                            + " with cleanup.policy=compact, "
                            + listed(Topics.SINGLE_PARTITION) + " with one partition) or set topics.create: true");
                }
                for (var future : client.createTopics(missing).values().entrySet()) {
                    try {
                        future.getValue().get(30, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw new IllegalStateException(
                                    "cannot create topic " + future.getKey() + ": "
                                            + e.getCause().getMessage(),
                                    e);
                        }
                    }
                }
                log.info(
                        "created the missing Vigil topics {} ({} partitions, replication {})",
                        names,
                        settings.partitions(),
                        settings.replicationFactor());
            }
            // a topic created here has the settings it should: and a broker may not know it yet for a moment after the
            // creation, so asking its config then fails with "unknown topic" (seen in CI)
            boolean alertsCreated = missing.stream().anyMatch(t -> t.name().equals(Topics.ALERTS));
            if (!alertsCreated) {
                for (TopicShortfall shortfall : shortfalls(client)) {
                    log.warn(shortfall.warning(kafka.get("bootstrap.servers")));
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot check the Vigil topics on " + kafka.get("bootstrap.servers") + ": "
                            + e.getCause().getMessage() + " (is Kafka reachable with the kafka: settings?)",
                    e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Kafka at " + kafka.get("bootstrap.servers") + " did not answer within 30 s"
                            + " (is it running and reachable with the kafka: settings?)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the Vigil topics", e);
        }
    }

    /** The settings of existing topics that are below what the engine creates them with. */
    static List<TopicShortfall> shortfalls(Admin client)
            throws ExecutionException, TimeoutException, InterruptedException {
        ConfigResource alerts = new ConfigResource(ConfigResource.Type.TOPIC, Topics.ALERTS);
        Config config = client.describeConfigs(List.of(alerts))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(alerts);
        ConfigEntry lag = config.get(MIN_COMPACTION_LAG);
        long found;
        try {
            found = lag == null || lag.value() == null ? 0 : Long.parseLong(lag.value());
        } catch (NumberFormatException e) {
            found = 0;
        }
        long wanted = Topics.ALERTS_MIN_COMPACTION_LAG.toMillis();
        if (found >= wanted) {
            return List.of();
        }
        return List.of(new TopicShortfall(
                Topics.ALERTS,
                MIN_COMPACTION_LAG,
                found,
                wanted,
                "compaction may then drop an alert's resolve"
                        + " for its tombstone before a notifier that was down reads it, and its page stays open"));
    }

    /** "a, b and c". */
    private static String listed(List<String> topics) {
        int last = topics.size() - 1;
        return last < 1
                ? String.join("", topics)
                : String.join(", ", topics.subList(0, last)) + " and " + topics.get(last);
    }
}
