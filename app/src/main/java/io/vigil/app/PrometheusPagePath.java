package io.vigil.app;

import io.vigil.lab.Lab;
import io.vigil.lab.PageReceiver;
import io.vigil.lab.prom.AlertmanagerProcess;
import io.vigil.lab.prom.PrometheusConfig;
import io.vigil.lab.prom.PrometheusProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page bench's second way to a page: a real Prometheus scraping the lab's agents and
 * evaluating deploy/prometheus's rules, and a real Alertmanager sending to the bench's page
 * receiver. Each incident meets a Prometheus and an Alertmanager started afresh, that have
 * scraped the healthy lab and remember no earlier incident: a disk failing on a quiet cluster.
 * (A long-running pair would still be resending the last incident's resolve for 15 minutes,
 * which can hold the next page for Alertmanager's group_interval of 5 minutes.)
 */
final class PrometheusPagePath implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PrometheusPagePath.class);
    static final String VIA = "alertmanager";
    /** deploy/prometheus's rules, which the jar carries beside this class. */
    static final String RULES = "vigil-alerts.yml";
    /** Alertmanager's default group_wait: a new group's first notification waits this long. */
    private static final Duration GROUP_WAIT = Duration.ofSeconds(30);
    /** How long the bench waits for the last incident's alerts (its resync) to end before the next. */
    private static final Duration QUIET_WITHIN = Duration.ofMinutes(5);
    /** Between two tries at a quiet start: one poll of the agent's slowest probe in the lab. */
    private static final Duration QUIET_POLL = Duration.ofSeconds(10);

    private final Path dir;
    private final Lab lab;
    private final URI webhook;
    private final PrometheusConfig.Intervals intervals;
    private Optional<AlertmanagerProcess> alertmanager = Optional.empty();
    private Optional<PrometheusProcess> prometheus = Optional.empty();
    /** Pairs started, each in its own directory. */
    private int started;

    private int incident;

    PrometheusPagePath(Path dir, Lab lab, PageReceiver receiver, PrometheusConfig.Intervals intervals) {
        this.dir = dir;
        this.lab = lab;
        this.webhook = receiver.url(VIA);
        this.intervals = intervals;
    }

    /**
     * A fresh Alertmanager and Prometheus, once Prometheus has scraped every agent and evaluated its
     * rules on what it scraped and neither holds an alert, then a wait of a random part of an
     * interval, so that failures fall evenly between scrapes and evaluations rather than always
     * just after one. A cluster that is not yet quiet (the last incident's resync still running)
     * would put an alert into Alertmanager first, and its group's group_wait would start before
     * the failure: the next page would come early and the figure would not be a quiet cluster's.
     * So while Prometheus sees an alert, the bench stops both, waits {@link #QUIET_POLL} and starts
     * both afresh: a rule with keep_firing_for (DiskSectorsReallocated keeps firing a day) would
     * never end in the same Prometheus, though the agent's next SMART poll shows the new disk.
     */
    void startAfresh() throws Exception {
        incident++;
        long deadline = System.nanoTime() + QUIET_WITHIN.toNanos();
        List<String> active = startPair();
        while (!active.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the lab was not quiet within " + QUIET_WITHIN.toMinutes() + " minutes before incident "
                                + incident + ": Prometheus still sees " + String.join(", ", active));
            }
            log.info(
                    "page bench: before incident {} the lab is not quiet ({}); starting Prometheus and Alertmanager afresh in {} s",
                    incident,
                    String.join(", ", active),
                    QUIET_POLL.toSeconds());
            close();
            Thread.sleep(QUIET_POLL.toMillis());
            active = startPair();
        }
        long longest = Math.max(
                intervals.scrapeOrDefault().toMillis(),
                intervals.evaluationOrDefault().toMillis());
        Thread.sleep(ThreadLocalRandom.current().nextLong(longest));
        log.info(
                "page bench: Prometheus {} and Alertmanager {} ready for incident {}",
                prometheus.orElseThrow().url(),
                alertmanager.orElseThrow().url(),
                incident);
    }

    /** Starts both afresh; once Prometheus has scraped every agent and evaluated, what keeps the lab from being quiet. */
    private List<String> startPair() throws Exception {
        close();
        started++;
        Path here = dir.resolve("prometheus-" + started);
        AlertmanagerProcess am = AlertmanagerProcess.start(here.resolve("alertmanager"), webhook);
        alertmanager = Optional.of(am);
        PrometheusProcess server =
                PrometheusProcess.start(here.resolve("prometheus"), config(lab, am.url(), intervals));
        prometheus = Optional.of(server);
        Duration scrape = intervals.scrapeOrDefault();
        try {
            Condition.await(
                    server::scrapedEveryTarget, scrape.plusSeconds(30), "Prometheus to scrape every agent of the lab");
            Instant scraped = Instant.now();
            Condition.await(
                    () -> server.evaluatedSince(scraped),
                    intervals.evaluationOrDefault().plusSeconds(30),
                    "Prometheus to evaluate its rules on what it scraped");
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "; Prometheus's log ends:\n" + server.logTail(), e);
        }
        List<String> active = new ArrayList<>(server.activeAlerts());
        int groups = am.groups();
        if (groups > 0) {
            active.add("Alertmanager holds " + groups + " group(s)");
        }
        return active;
    }

    /**
     * Prometheus as deploy/prometheus/prometheus.yml sets it up: job vigil-agent with the agents'
     * own labels kept, each target labelled with its cluster and node as vigil-agents.yml does,
     * vigil-alerts.yml evaluated into the Alertmanager at {@code alertmanager}.
     */
    static PrometheusConfig config(Lab lab, URI alertmanager, PrometheusConfig.Intervals intervals) {
        List<PrometheusConfig.Target> agents = lab.agents().stream()
                .map(a -> new PrometheusConfig.Target(
                        URI.create(a.metricsUrl()).getAuthority(), Map.of("cluster", "pair-1", "node", a.node())))
                .toList();
        return PrometheusConfig.scraping(
                        List.of(new PrometheusConfig.ScrapeJob("vigil-agent", true, agents)), intervals)
                .alerting(new PrometheusConfig.RuleFile(RULES, rules()), alertmanager);
    }

    private static String rules() {
        try (InputStream in = PrometheusPagePath.class.getResourceAsStream("prometheus/" + RULES)) {
            if (in == null) {
                throw new IllegalStateException(
                        "deploy/prometheus/" + RULES + " is not in the jar; rebuild with mvn package");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "deploy/prometheus/" + RULES + " could not be read from the jar (" + e.getMessage() + ")", e);
        }
    }

    /** The longest a page can take this way: a scrape, an evaluation, Alertmanager's group_wait, and a margin. */
    Duration pageWithin() {
        return intervals
                .scrapeOrDefault()
                .plus(intervals.evaluationOrDefault())
                .plus(GROUP_WAIT)
                .plusSeconds(60);
    }

    String describe() {
        return "Prometheus (" + intervals.describe() + "), Alertmanager (default grouping)";
    }

    @Override
    public void close() {
        prometheus.ifPresent(PrometheusProcess::close);
        prometheus = Optional.empty();
        alertmanager.ifPresent(AlertmanagerProcess::close);
        alertmanager = Optional.empty();
    }
}
