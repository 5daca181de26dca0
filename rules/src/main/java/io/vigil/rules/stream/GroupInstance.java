package io.vigil.rules.stream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This engine instance's fixed name in its consumer groups (Kafka's static membership,
 * {@code group.instance.id}), kept in its state directory so that it survives a restart.
 * <p>
 * Why: a consumer group keeps a member that went away without leaving until its session times
 * out (45 s by default), and a rebalance waits for it. Kafka Streams does not leave its group when
 * it closes, and a killed process leaves nothing; so an engine restarted under a new name
 * evaluated nothing for about 45 s. Under its old name it takes its place back at once; and it
 * removes whatever members of that name a previous run left behind (a stream thread that was
 * replaced keeps a member of its own), at start, and its own when it stops, so that another
 * instance takes the partitions over at once.
 * <p>
 * The state directory is the instance: Kafka Streams keeps its own process id there (the base of
 * its transactional ids) for the same reason. A copy of a state directory on a second machine
 * makes two instances of one name; Kafka then fences the older one, as it fences the
 * transactions of a copied process id.
 */
record GroupInstance(String id) {
    static final String FILE = "group-instance-id";
    private static final Logger log = LoggerFactory.getLogger(GroupInstance.class);
    /** Kafka's allowed characters for a group instance id, with room for Kafka Streams' "-N" thread suffix. */
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    private static final Pattern THREAD_SUFFIX = Pattern.compile("[0-9]+");
    private static final long TIMEOUT_SECONDS = 10;

    GroupInstance {
        if (!VALID.matcher(id).matches()) {
            throw new IllegalArgumentException(
                    "group instance id '" + id + "': use letters, digits, '.', '_' and '-' (at most 200)");
        }
    }

    /** The instance whose state is in {@code stateDir}: the name kept there, or a new one written there. */
    static GroupInstance of(Path stateDir) {
        Path file = stateDir.resolve(FILE);
        try {
            if (Files.isRegularFile(file)) {
                String kept = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (VALID.matcher(kept).matches()) {
                    return new GroupInstance(kept);
                }
                log.warn(
                        "{} does not hold a group instance id; writing a new one (a previous run's group member, if any,"
                                + " is waited for until its session times out)",
                        file);
            }
            GroupInstance made = new GroupInstance("vigil-" + UUID.randomUUID());
            Files.createDirectories(stateDir);
            Path written = Files.writeString(stateDir.resolve(FILE + ".new"), made.id() + "\n", StandardCharsets.UTF_8);
            Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return made;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot keep the engine's group instance id in " + file + " (" + e.getMessage()
                            + "); the state directory must be a directory the engine can write",
                    e);
        }
    }

    /** Whether a group member's instance id is this instance's: its own, or one of its stream threads' ("id-N"). */
    boolean owns(String memberInstanceId) {
        return memberInstanceId.equals(id)
                || memberInstanceId.startsWith(id + "-")
                        && THREAD_SUFFIX
                                .matcher(memberInstanceId.substring(id.length() + 1))
                                .matches();
    }

    /**
     * Removes this instance's members from {@code group}: at start those a previous run left behind,
     * when stopping its own. Never throws: when Kafka does not answer, the members stay until their
     * session times out, as they would have without this.
     */
    void leave(Map<String, Object> kafka, String group, String why) {
        remove(kafka, group, this::owns, why);
    }

    /**
     * Removes the member of one stream thread that died: its replacement joins under a new
     * number, and the group would otherwise wait for the dead one's session to time out before
     * it gives the replacement any partition. {@code threadName} is Kafka Streams' ("...-StreamThread-N").
     */
    void leaveThread(Map<String, Object> kafka, String group, String threadName, String why) {
        int dash = threadName.lastIndexOf('-');
        String number = threadName.substring(dash + 1);
        if (dash < 0 || !THREAD_SUFFIX.matcher(number).matches()) {
            return;
        }
        String member = id + "-" + number;
        remove(kafka, group, member::equals, why);
    }

    private void remove(
            Map<String, Object> kafka, String group, java.util.function.Predicate<String> which, String why) {
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.putIfAbsent("request.timeout.ms", 5_000);
        settings.putIfAbsent("default.api.timeout.ms", 10_000);
        try (Admin admin = Admin.create(settings)) {
            List<MemberToRemove> ours = admin
                    .describeConsumerGroups(List.of(group))
                    .all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(group)
                    .members()
                    .stream()
                    .map(MemberDescription::groupInstanceId)
                    .flatMap(java.util.Optional::stream)
                    .filter(which)
                    .map(MemberToRemove::new)
                    .toList();
            if (ours.isEmpty()) {
                return;
            }
            admin.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions(ours))
                    .all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            log.info("group {}: removed {} member(s) of instance {} ({})", group, ours.size(), id, why);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                log.warn(
                        "group {}: could not remove the members of instance {} ({}): {}; they stay until their session times out",
                        group,
                        id,
                        why,
                        e.getCause().toString());
            }
        } catch (TimeoutException e) {
            log.warn(
                    "group {}: Kafka did not answer within {} s while removing the members of instance {} ({}); they stay until"
                            + " their session times out",
                    group,
                    TIMEOUT_SECONDS,
                    id,
                    why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("group {}: could not remove the members of instance {} ({}): {}", group, id, why, e.toString());
        }
    }
}
