package io.vigil.rules.stream;

import io.vigil.events.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the engine's {@link PartitionLayout} from Kafka: at start, to refuse a layout Kafka Streams
 * would not run on; then every {@link #INTERVAL}, to stop the engine once a source topic's count
 * changed. Why not wait for Kafka Streams to find out: its consumers see new partitions only at
 * their next metadata refresh ({@code metadata.max.age.ms}, 5 minutes by default), and all that
 * while the moved clusters' records sit unread in the new partitions and the engine, ticking with
 * the old count, can raise NodeSilent for agents that are well; then its stream threads die one after
 * the other on "Existing internal topic ... has invalid partitions", with no word of what to do.
 */
final class PartitionWatch implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(PartitionWatch.class);
    private static final long TIMEOUT_SECONDS = 30;
    /** How long a topic just created may stay unknown to the broker that answers. */
    private static final Duration JUST_CREATED = Duration.ofSeconds(5);

    private final Admin admin;
    private final List<String> sources;
    private final int started;
    private final PartitionLayout.Reset reset;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vigil-partition-watch");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean reported = new AtomicBoolean();

    private PartitionWatch(Admin admin, List<String> sources, int started, PartitionLayout.Reset reset) {
        this.admin = admin;
        this.sources = sources;
        this.started = started;
        this.reset = reset;
    }

    /**
     * The count of {@code vigil.telemetry} the engine {@code reset.applicationId()}, whose topology has
     * the changelogged {@code stores}, may start with; throws {@link IllegalStateException}, with
     * what to do, when the counts disagree (it must not start) or Kafka does not answer.
     */
    static int checkAtStart(
            Map<String, Object> kafka, PartitionLayout.Reset reset, boolean failover, List<String> stores) {
        List<String> changelogs = stores.stream()
                .map(store -> reset.applicationId() + "-" + store + "-changelog")
                .toList();
        try (Admin admin = admin(kafka)) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            PartitionLayout layout = new PartitionLayout(
                    counts(admin, sources(failover)),
                    counts(admin, changelogs.stream().filter(existing::contains).toList()));
            Optional<String> problem = layout.problemAtStart(reset);
            if (problem.isPresent()) {
                throw new IllegalStateException(problem.get());
            }
            return layout.telemetry();
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            throw unread(e, reset);
        }
    }

    /**
     * Watches the engine that started on {@code started} partitions: every {@code interval} from
     * now on, and when asked ({@link #change()}); the first time a source's count changed, hands
     * what happened and what to do to {@code changed}.
     */
    static PartitionWatch start(
            Map<String, Object> kafka,
            PartitionLayout.Reset reset,
            boolean failover,
            int started,
            Duration interval,
            Consumer<String> changed) {
        PartitionWatch watch = new PartitionWatch(admin(kafka), sources(failover), started, reset);
        watch.timer.scheduleWithFixedDelay(
                () -> {
                    try {
                        watch.change().ifPresent(changed);
                    } catch (RuntimeException e) {
                        // Kafka did not answer this time: the next pass asks again (a pass that threw would cancel the
                        // ones after it)
                        log.debug("the partition counts could not be read this time: {}", e.toString());
                    }
                },
                interval.toMillis(),
                interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return watch;
    }

    /**
     * What changed since the start and what to do, the first time it is seen (empty after, and
     * while nothing changed); throws {@link IllegalStateException} when Kafka does not answer.
     */
    Optional<String> change() {
        PartitionLayout now;
        try {
            now = new PartitionLayout(counts(admin, sources), Map.of());
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            throw unread(e, reset);
        }
        Optional<String> change = now.changedFrom(started, reset);
        return change.isPresent() && reported.compareAndSet(false, true) ? change : Optional.empty();
    }

    private static List<String> sources(boolean failover) {
        return failover ? List.of(Topics.TELEMETRY, Topics.FAILOVER_COMMANDS) : List.of(Topics.TELEMETRY);
    }

    private static Admin admin(Map<String, Object> kafka) {
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.putIfAbsent("request.timeout.ms", 15_000);
        settings.putIfAbsent("default.api.timeout.ms", 30_000);
        return Admin.create(settings);
    }

    private static Map<String, Integer> counts(Admin admin, List<String> topics)
            throws ExecutionException, TimeoutException, InterruptedException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        if (topics.isEmpty()) {
            return counts;
        }
        Map<String, TopicDescription> described = described(admin, topics);
        topics.forEach(
                topic -> counts.put(topic, described.get(topic).partitions().size()));
        return counts;
    }

    /**
     * The topics' descriptions. A topic the engine has just created may be unknown to the broker
     * that answers for a moment after: it is asked again for up to {@link #JUST_CREATED}.
     */
    private static Map<String, TopicDescription> described(Admin admin, List<String> topics)
            throws ExecutionException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + JUST_CREATED.toNanos();
        while (true) {
            try {
                return admin.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static IllegalStateException unread(Exception e, PartitionLayout.Reset reset) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new IllegalStateException("interrupted while reading the partition counts", e);
        }
        if (e instanceof TimeoutException) {
            return new IllegalStateException(
                    "Kafka at " + reset.bootstrap() + " did not give the topics' partition counts within "
                            + TIMEOUT_SECONDS + " s (is it running and reachable with the kafka: settings?)",
                    e);
        }
        return new IllegalStateException(
                "cannot read the topics' partition counts on " + reset.bootstrap() + ": "
                        + e.getCause().getMessage(),
                e);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }
}
