package io.vigil.app;

import io.vigil.lab.Lab;
import io.vigil.lab.PageReceiver;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    /** Alertmanager's default group_wait: a new group's first notification waits this long. */
    private static final Duration GROUP_WAIT = Duration.ofSeconds(30);

    private final Path dir;
    private final Lab lab;
    private final URI webhook;
    private final PrometheusProcess.Intervals intervals;
    private Optional<AlertmanagerProcess> alertmanager = Optional.empty();
    private Optional<PrometheusProcess> prometheus = Optional.empty();
    private int started;

    PrometheusPagePath(Path dir, Lab lab, PageReceiver receiver, PrometheusProcess.Intervals intervals) {
        this.dir = dir;
        this.lab = lab;
        this.webhook = receiver.url(VIA);
        this.intervals = intervals;
    }

    /**
     * A fresh Alertmanager and Prometheus, once Prometheus has scraped every agent, then a wait
     * of a random part of an interval, so that failures fall evenly between scrapes and
     * evaluations rather than always just after one.
     */
    void startAfresh() throws Exception {
        close();
        started++;
        Path here = dir.resolve("prometheus-" + started);
        AlertmanagerProcess am = AlertmanagerProcess.start(here.resolve("alertmanager"), webhook);
        alertmanager = Optional.of(am);
        List<PrometheusProcess.Target> agents = lab.agents().stream()
                .map(a -> new PrometheusProcess.Target(URI.create(a.metricsUrl()).getAuthority(), "pair-1", a.node())).toList();
        PrometheusProcess server = PrometheusProcess.start(here.resolve("prometheus"), agents, am.url(), intervals);
        prometheus = Optional.of(server);
        Duration scrape = intervals.scrapeOrDefault();
        try {
            Condition.await(server::scrapedEveryTarget, scrape.plusSeconds(30), "Prometheus to scrape every agent of the lab");
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "; Prometheus's log ends:\n" + server.logTail(), e);
        }
        long longest = Math.max(scrape.toMillis(), intervals.evaluationOrDefault().toMillis());
        Thread.sleep(ThreadLocalRandom.current().nextLong(longest));
        log.info("page bench: Prometheus {} and Alertmanager {} ready for incident {}", server.url(), am.url(), started);
    }

    /** The longest a page can take this way: a scrape, an evaluation, Alertmanager's group_wait, and a margin. */
    Duration pageWithin() {
        return intervals.scrapeOrDefault().plus(intervals.evaluationOrDefault()).plus(GROUP_WAIT).plusSeconds(60);
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
