package io.vigil.lab;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric families seen in scrapes of /metrics (Prometheus text format 0.0.4): per family its
 * type, the label names its series carried (a histogram's {@code le} and a summary's
 * {@code quantile} aside), and who exported it. Scrapes add up: a family seen once is known.
 */
final class Exposition {
    record Family(String name, String type, Set<String> labels, MetricCatalog.Exporter exporter) {}

    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? .*");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

    private final Map<String, Family> families = new TreeMap<>();

    void add(String scrape, MetricCatalog.Exporter exporter) {
        Map<String, String> types = new TreeMap<>();
        for (String line : scrape.lines().toList()) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                types.put(parts[2], parts[3]);
                families.computeIfAbsent(parts[2], n -> new Family(n, parts[3], new LinkedHashSet<>(), exporter));
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            if (line.startsWith("#") || !sample.matches()) {
                continue;
            }
            String family = familyOf(sample.group(1), types);
            Family known = families.get(family);
            if (known == null) {
                throw new IllegalStateException("a sample of no declared family: " + line);
            }
            Matcher label = LABEL.matcher(sample.group(3) == null ? "" : sample.group(3));
            while (label.find()) {
                if (!label.group(1).equals("le") && !label.group(1).equals("quantile")) {
                    known.labels().add(label.group(1));
                }
            }
        }
    }

    private static String familyOf(String sample, Map<String, String> types) {
        for (String suffix : new String[] {"_bucket", "_count", "_sum"}) {
            String base = sample.endsWith(suffix) ? sample.substring(0, sample.length() - suffix.length()) : "";
            if (types.containsKey(base)
                    && !types.get(base).equals("gauge")
                    && !types.get(base).equals("counter")) {
                return base;
            }
        }
        return sample;
    }

    /**
     * The families, without Micrometer's {@code NAME_max} gauge beside each timer: the catalog
     * lists the timer, and its max with it.
     */
    Map<String, Family> families() {
        Map<String, Family> out = new TreeMap<>(families);
        families.forEach((name, family) -> {
            String timer = name.endsWith("_max") ? name.substring(0, name.length() - 4) : "";
            if (family.type().equals("gauge")
                    && families.containsKey(timer)
                    && Set.of("summary", "histogram")
                            .contains(families.get(timer).type())) {
                out.remove(name);
            }
        });
        return out;
    }
}
