package io.vigil.app;

import io.vigil.cli.DurationConverter;
import io.vigil.events.Alert;
import io.vigil.events.AlertChange;
import io.vigil.events.AlertState;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.lab.Lab;
import io.vigil.lab.PageReceiver;
import io.vigil.lab.prom.PrometheusConfig;
import io.vigil.lab.view.TopicFollower;
import io.vigil.sim.FaultOutcome;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * How long a dying disk takes to page someone, in the lab: each incident fails node-a's /dev/sda
 * and measures from that moment (the failure is in drbdsetup events2's output) to the moment the
 * lab's page receiver has the page, split into its stages, then replaces the disk and waits for
 * the resolve before the next. With {@code --compare prometheus} the same failure also pages the
 * same receiver through a real Prometheus and Alertmanager, and both ways are printed side by
 * side. Measured and printed; nothing here fails on time.
 */
@picocli.CommandLine.Command(
        name = "page",
        mixinStandardHelpOptions = true,
        description =
                "Disk failures injected into the lab, one at a time: time from the failure to the page at an HTTP receiver")
final class PageBench implements Callable<Integer> {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ALERT = "DrbdLocalDiskLost";
    private static final String VIGIL = "vigil";

    /** The other way to a page that the bench can measure beside Vigil's. */
    enum Compare {
        prometheus
    }

    @Spec
    CommandSpec spec;

    @Option(
            names = "--incidents",
            converter = AtLeastOne.class,
            description = "disk failures to inject (default ${DEFAULT-VALUE})")
    int incidents = 20;

    @Option(
            names = "--compare",
            description =
                    "also page through ${COMPLETION-CANDIDATES}: a real Prometheus scraping the lab's agents "
                            + "and evaluating deploy/prometheus/vigil-alerts.yml, and a real Alertmanager with its default grouping")
    Optional<Compare> compare = Optional.empty();

    @Option(
            names = "--scrape-interval",
            converter = DurationConverter.class,
            description = "with --compare: Prometheus's scrape_interval (default: Prometheus's own, 1m)")
    Optional<Duration> scrapeInterval = Optional.empty();

    @Option(
            names = "--evaluation-interval",
            converter = DurationConverter.class,
            description = "with --compare: Prometheus's evaluation_interval (default: Prometheus's own, 1m)")
    Optional<Duration> evaluationInterval = Optional.empty();

    /**
     * One disk failure: from the failure to the page, and its stages when the alert's record was
     * read back from vigil.alerts (the record holds the event's timestamp and the alert's).
     */
    record Incident(long total, Optional<Stages> stages) {
        static Incident of(long failedAt, long receivedAt, Optional<Alert> alert) {
            return new Incident(
                    receivedAt - failedAt,
                    alert.flatMap(a -> a.cause().map(c -> {
                        long event = c.ts().toEpochMilli();
                        long sent = a.sentAt().toEpochMilli();
                        return new Stages(event - failedAt, sent - event, receivedAt - sent);
                    })));
        }
    }

    /** Failure to the agent's event (its timestamp), event to the engine's alert (its sentAt), alert to the receiver. */
    record Stages(long failureToEvent, long eventToAlert, long alertToReceiver) {}

    @Override
    public Integer call() throws Exception {
        if (compare.isEmpty() && (scrapeInterval.isPresent() || evaluationInterval.isPresent())) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--scrape-interval and --evaluation-interval set Prometheus's; they need --compare prometheus");
        }
        PrintWriter out = spec.commandLine().getOut();
        List<Alert> records = Collections.synchronizedList(new ArrayList<>());
        try (WorkDir dir = WorkDir.temporary("vigil-bench-page-");
                PageReceiver receiver = PageReceiver.start();
                Lab lab = Lab.start(dir.path(), receiver.url(VIGIL));
                // every record of the alert, not only the newest as the lab's board keeps them: the one that fired is
                // the figure
                TopicFollower<Alert> reader = new TopicFollower<>(
                                lab.broker().bootstrapServers(),
                                Topics.ALERTS,
                                b -> WireCodec.decode(b, Alert.class),
                                a -> {
                                    if (a.rule().equals(ALERT)) {
                                        records.add(a);
                                    }
                                })
                        .start();
                PrometheusPagePath prometheus = new PrometheusPagePath(
                        dir.path(),
                        lab,
                        receiver,
                        new PrometheusConfig.Intervals(scrapeInterval, evaluationInterval))) {
            out.printf(
                    Locale.ROOT,
                    "page bench: %d disk failures on node-a's /dev/sda in the lab, each undone before the next%n",
                    incidents);
            if (compare.isPresent()) {
                out.printf(
                        Locale.ROOT,
                        "  each paged two ways to one receiver: Vigil's, and %s started afresh for each%n",
                        prometheus.describe());
            }
            out.flush();
            Condition.await(
                    () -> lab.engine().notifying().orElse(false)
                            && lab.picture()
                                    .host("pair-1", "node-a")
                                    .flatMap(h -> h.heartbeat())
                                    .isPresent()
                            && lab.picture()
                                    .host("pair-1", "node-b")
                                    .flatMap(h -> h.heartbeat())
                                    .isPresent(),
                    Duration.ofSeconds(60),
                    "the lab to settle");
            Thread.sleep(5_000);
            List<Incident> measured = new ArrayList<>();
            List<Long> throughPrometheus = new ArrayList<>();
            for (int i = 1; i <= incidents; i++) {
                if (compare.isPresent()) {
                    prometheus.startAfresh();
                }
                Instant t0 = Instant.now();
                FaultOutcome failed = lab.inject("disk-fail node-a /dev/sda");
                if (!failed.applied()) {
                    spec.commandLine()
                            .getErr()
                            .println("vigil bench page: the fault was not applied: " + failed.message());
                    return 1;
                }
                PageReceiver.Page page =
                        awaitPage(receiver, VIGIL, "firing", t0, WAIT, "Vigil's page of incident " + i);
                measured.add(Incident.of(
                        t0.toEpochMilli(), page.at().toEpochMilli(), waitForRecord(records, t0.toEpochMilli())));
                if (compare.isPresent()) {
                    PageReceiver.Page other = awaitPage(
                            receiver,
                            PrometheusPagePath.VIA,
                            "firing",
                            t0,
                            prometheus.pageWithin(),
                            "Alertmanager's page of incident " + i);
                    throughPrometheus.add(other.at().toEpochMilli() - t0.toEpochMilli());
                }
                lab.inject("disk-replace node-a /dev/sda");
                awaitPage(receiver, VIGIL, "resolved", page.at(), WAIT, "Vigil's resolve of incident " + i);
                Thread.sleep(1_000);
                if (i % 5 == 0 || compare.isPresent()) {
                    out.printf(Locale.ROOT, "  ... %d of %d%n", i, incidents);
                    out.flush();
                }
            }
            out.print(report(measured));
            if (compare.isPresent()) {
                out.print(comparison(
                        prometheus.describe(),
                        measured.stream().map(Incident::total).toList(),
                        throughPrometheus));
            }
            out.flush();
        }
        return 0;
    }

    /** The first page of the alert for node-a with STATUS that came through VIA at or after SINCE. */
    private static PageReceiver.Page awaitPage(
            PageReceiver receiver, String via, String status, Instant since, Duration timeout, String what)
            throws Exception {
        Condition.await(() -> firstPage(receiver, via, status, since).isPresent(), timeout, what);
        return firstPage(receiver, via, status, since).orElseThrow();
    }

    private static Optional<PageReceiver.Page> firstPage(
            PageReceiver receiver, String via, String status, Instant since) {
        return receiver.pages().stream()
                .filter(p -> p.via().equals(via)
                        && p.status().equals(status)
                        && p.alertname().equals(ALERT)
                        && "node-a".equals(p.labels().get("node"))
                        && !p.at().isBefore(since))
                .findFirst();
    }

    private static Optional<Alert> waitForRecord(List<Alert> records, long t0) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (System.currentTimeMillis() < deadline) {
            synchronized (records) {
                Optional<Alert> found = records.stream()
                        .filter(a -> a.state() == AlertState.FIRING
                                && a.change() == AlertChange.STATE
                                && a.cause()
                                        .map(c -> c.ts().toEpochMilli() >= t0 - 50)
                                        .orElse(false))
                        .min((a, b) ->
                                a.cause().get().ts().compareTo(b.cause().get().ts()));
                if (found.isPresent()) {
                    return found;
                }
            }
            Thread.sleep(20);
        }
        return Optional.empty();
    }

    /** The figures: the whole way for every incident, the stages for those whose alert record was read back. */
    static String report(List<Incident> measured) {
        List<Stages> staged =
                measured.stream().flatMap(i -> i.stages().stream()).toList();
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "  failure in events2 -> page at the receiver:      %s (target p99 < 1 s)%n",
                Percentiles.of(measured.stream().map(Incident::total).toList())));
        if (staged.size() < measured.size()) {
            out.append(String.format(
                    Locale.ROOT,
                    "    %d of %d incidents without an alert record read back: left out of the stages%n",
                    measured.size() - staged.size(),
                    measured.size()));
        }
        out.append(String.format(
                Locale.ROOT,
                "    failure to the agent's event (its timestamp): %s%n",
                stage(staged, Stages::failureToEvent)));
        out.append(String.format(
                Locale.ROOT,
                "    event to alert (the engine's sentAt):         %s%n",
                stage(staged, Stages::eventToAlert)));
        out.append(String.format(
                Locale.ROOT,
                "    alert to receiver (the notifier):             %s%n",
                stage(staged, Stages::alertToReceiver)));
        return out.toString();
    }

    /** Both ways from the same failures to the same receiver, and how many times longer the other way takes at p50 and p99. */
    static String comparison(String other, List<Long> vigil, List<Long> prometheus) {
        StringBuilder out = new StringBuilder(
                String.format(Locale.ROOT, "  side by side, failure -> page at the same receiver:%n"));
        out.append(
                String.format(Locale.ROOT, "    Vigil (agent, Kafka, engine, notifier): %s%n", Percentiles.of(vigil)));
        out.append(String.format(Locale.ROOT, "    %s: %s%n", other, Percentiles.of(prometheus)));
        if (!vigil.isEmpty() && !prometheus.isEmpty()) {
            out.append(String.format(
                    Locale.ROOT,
                    "    Prometheus's way / Vigil's: p50 %s, p99 %s%n",
                    ratio(Percentiles.at(prometheus, 0.50), Percentiles.at(vigil, 0.50)),
                    ratio(Percentiles.at(prometheus, 0.99), Percentiles.at(vigil, 0.99))));
        }
        return out.toString();
    }

    private static String ratio(long other, long vigil) {
        return String.format(Locale.ROOT, "%.0fx", (double) other / Math.max(1, vigil));
    }

    private static String stage(List<Stages> staged, java.util.function.ToLongFunction<Stages> figure) {
        return Percentiles.of(staged.stream().map(figure::applyAsLong).toList());
    }
}
