package io.vigil.lab.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A query as Grafana sends it to Prometheus: the dashboard's variables at their defaults (All is
 * the variable's allValue), {@code $__range} the dashboard's time range, {@code $__interval} that
 * range over Grafana's default 1000 data points, and {@code $__rate_interval} as Grafana computes
 * it: the larger of {@code $__interval} plus one scrape interval and four scrape intervals.
 */
final class GrafanaVariables {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}|\\$(\\w+)");
    private static final Pattern RELATIVE = Pattern.compile("now-(\\d+)([smhdw])");

    private final Map<String, String> values = new HashMap<>();

    GrafanaVariables(DashboardFile dashboard, Duration scrapeInterval) {
        Duration range = range(dashboard.json().path("time").path("from").asText());
        Duration interval = Duration.ofSeconds(Math.max(scrapeInterval.toSeconds(), range.toSeconds() / 1000));
        Duration rateInterval = max(interval.plus(scrapeInterval), scrapeInterval.multipliedBy(4));
        values.put("__range", range.toSeconds() + "s");
        values.put("__interval", interval.toSeconds() + "s");
        values.put("__rate_interval", rateInterval.toSeconds() + "s");
        for (JsonNode variable : dashboard.variables()) {
            values.put(variable.path("name").asText(), variable.path("allValue").asText(""));
        }
    }

    String substitute(String expr) {
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String value = values.get(name);
            if (value == null) {
                throw new IllegalArgumentException(
                        "'" + expr + "' uses $" + name + ", which the dashboard does not define");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    private static Duration range(String from) {
        Matcher m = RELATIVE.matcher(from);
        if (!m.matches()) {
            throw new IllegalArgumentException("time range from '" + from + "' is not now-N(s|m|h|d|w)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
