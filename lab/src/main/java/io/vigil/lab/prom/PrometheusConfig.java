package io.vigil.lab.prom;

import io.vigil.service.config.DurationText;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a Prometheus started by {@link PrometheusProcess} does: its scrape jobs, how often it
 * scrapes and evaluates (Prometheus's own default, a minute, where not given), the rule file it
 * evaluates and the Alertmanager it sends to, if any. Rendered as its prometheus.yml.
 */
public record PrometheusConfig(
        List<ScrapeJob> jobs, Intervals intervals, Optional<RuleFile> rules, Optional<URI> alertmanager) {
    public PrometheusConfig {
        jobs = List.copyOf(jobs);
    }

    /** Scraping {@code jobs} at {@code intervals}; no rules, no Alertmanager. */
    public static PrometheusConfig scraping(List<ScrapeJob> jobs, Intervals intervals) {
        return new PrometheusConfig(jobs, intervals, Optional.empty(), Optional.empty());
    }

    /** The same, evaluating {@code file} and sending its alerts to the Alertmanager at {@code url}. */
    public PrometheusConfig alerting(RuleFile file, URI url) {
        return new PrometheusConfig(jobs, intervals, Optional.of(file), Optional.of(url));
    }

    /** A scrape job: its targets, and whether the labels a target exports win over the job's (as for Vigil's agents). */
    public record ScrapeJob(String name, boolean honorLabels, List<Target> targets) {
        public ScrapeJob {
            targets = List.copyOf(targets);
        }
    }

    /** A target's address (host:port) and the labels Prometheus adds to its series. */
    public record Target(String address, Map<String, String> labels) {
        public Target {
            labels = new TreeMap<>(labels);
        }

        public static Target at(String address) {
            return new Target(address, Map.of());
        }
    }

    /** A rule file: its name beside prometheus.yml, and its text. */
    public record RuleFile(String name, String text) {}

    /** How often Prometheus scrapes and evaluates; empty is Prometheus's own default, a minute. */
    public record Intervals(Optional<Duration> scrape, Optional<Duration> evaluation) {
        public static final Duration PROMETHEUS_DEFAULT = Duration.ofMinutes(1);

        /** Scraping and evaluating every {@code interval}. */
        public static Intervals every(Duration interval) {
            return new Intervals(Optional.of(interval), Optional.of(interval));
        }

        public Duration scrapeOrDefault() {
            return scrape.orElse(PROMETHEUS_DEFAULT);
        }

        public Duration evaluationOrDefault() {
            return evaluation.orElse(PROMETHEUS_DEFAULT);
        }

        public String describe() {
            return "scrape " + DurationText.format(scrapeOrDefault()) + (scrape.isEmpty() ? " (default)" : "")
                    + ", evaluation " + DurationText.format(evaluationOrDefault())
                    + (evaluation.isEmpty() ? " (default)" : "");
        }
    }

    /**
     * prometheus.yml: the intervals only when given (Prometheus's defaults otherwise; its scrape
     * timeout is then the lesser of 10 s and the scrape interval), the rules, Alertmanager, the jobs.
     */
    public String yaml() {
        StringBuilder yml = new StringBuilder("global:\n");
        intervals
                .scrape()
                .ifPresent(d -> yml.append("  scrape_interval: ")
                        .append(DurationText.format(d))
                        .append('\n'));
        intervals
                .evaluation()
                .ifPresent(d -> yml.append("  evaluation_interval: ")
                        .append(DurationText.format(d))
                        .append('\n'));
        rules.ifPresent(r -> yml.append("rule_files: [").append(r.name()).append("]\n"));
        alertmanager.ifPresent(
                am -> yml.append("alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [\"")
                        .append(am.getHost())
                        .append(':')
                        .append(am.getPort())
                        .append("\"]\n"));
        yml.append("scrape_configs:\n");
        for (ScrapeJob job : jobs) {
            yml.append("  - job_name: ").append(job.name()).append('\n');
            if (job.honorLabels()) {
                yml.append("    honor_labels: true\n");
            }
            yml.append("    static_configs:\n");
            for (Target target : job.targets()) {
                yml.append("      - targets: [\"").append(target.address()).append("\"]\n");
                if (!target.labels().isEmpty()) {
                    yml.append("        labels: {");
                    String sep = "";
                    for (Map.Entry<String, String> label : target.labels().entrySet()) {
                        yml.append(sep)
                                .append(label.getKey())
                                .append(": \"")
                                .append(label.getValue())
                                .append('"');
                        sep = ", ";
                    }
                    yml.append("}\n");
                }
            }
        }
        return yml.toString();
    }
}
