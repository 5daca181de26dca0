package io.vigil.lab.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.lab.MetricCatalog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules every dashboard in dashboards/ keeps: those of Grafana's dashboard-linter (a
 * datasource variable, panels on it, units, {@code $__rate_interval}, counters only inside
 * rate/increase, titles and descriptions, a target on every panel) and Vigil's own (the 24-column
 * grid without overlaps, unique ids and refIds, every metric in docs/metrics.md, a pinned schema and
 * a uid from the file name, links between the dashboards, stat panels whose "no data" is never
 * green, the wall on one 1080p screen, a table's value column apart from its labels). Each problem
 * names its rule, the file and the panel.
 */
final class DashboardLint {
    record Problem(String rule, String message) {
        @Override
        public String toString() {
            return rule + ": " + message;
        }
    }

    /** Grafana's unit ids the dashboards may use (a part of Grafana's list: those that fit what Vigil measures). */
    static final Set<String> UNITS = Set.of(
            "none",
            "short",
            "string",
            "percent",
            "percentunit",
            "bytes",
            "decbytes",
            "bits",
            "Bps",
            "binBps",
            "bps",
            "KiBs",
            "MiBs",
            "s",
            "ms",
            "µs",
            "ns",
            "m",
            "h",
            "d",
            "dtdurations",
            "dtdurationms",
            "celsius",
            "ops",
            "cps",
            "reqps",
            "iops",
            "dateTimeAsIso",
            "dateTimeFromNow",
            "bool",
            "bool_on_off",
            "hertz");

    static final int GRID_COLUMNS = 24;
    /** Grid rows one 1080p screen shows in kiosk mode (30 px a row, 8 px between rows). */
    static final int WALL_ROWS = 27;

    private static final Set<String> DATASOURCE_REFERENCES = Set.of("$datasource", "${datasource}");
    private static final Set<String> COUNTER_FUNCTIONS = Set.of("rate", "irate", "increase");
    private static final Set<String> RATE_FUNCTIONS = Set.of("rate", "irate");
    private static final Set<String> RATE_INTERVAL = Set.of("$__rate_interval", "${__rate_interval}");
    /** Grafana's label_values(selector, label): the selector is PromQL, the label is not. */
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*\\w+\\s*\\)");

    private static final Pattern DASHBOARD_LINK = Pattern.compile("^/d/([^/?]+)");

    private final Map<String, MetricCatalog.Entry> catalog;
    private final Set<String> knownUids;
    private final Map<String, Function<DashboardFile, List<String>>> rules = new LinkedHashMap<>();

    /** @param knownUids the dashboards a panel link may point to */
    DashboardLint(MetricCatalog catalog, Set<String> knownUids) {
        this.catalog = catalog.entries();
        this.knownUids = knownUids;
        rules.put("template-datasource-rule", this::templateDatasource);
        rules.put("template-cluster-node-rule", this::templateClusterNode);
        rules.put("panel-datasource-rule", this::panelDatasource);
        rules.put("no-fixed-datasource-rule", this::noFixedDatasource);
        rules.put("panel-units-rule", this::panelUnits);
        rules.put("panel-thresholds-rule", this::panelThresholds);
        rules.put("panel-rate-interval-rule", this::panelRateInterval);
        rules.put("target-counter-agg-rule", this::targetCounterAgg);
        rules.put("panel-title-description-rule", this::panelTitleDescription);
        rules.put("panel-no-targets-rule", this::panelNoTargets);
        rules.put("grid-rule", this::grid);
        rules.put("unique-ids-rule", this::uniqueIds);
        rules.put("catalog-metrics-rule", this::catalogMetrics);
        rules.put("schema-rule", this::schema);
        rules.put("links-rule", this::links);
        rules.put("stat-no-data-rule", this::statNoData);
        rules.put("wall-one-screen-rule", this::wallOneScreen);
        rules.put("table-columns-rule", this::tableColumns);
    }

    Set<String> ruleNames() {
        return rules.keySet();
    }

    List<Problem> lint(DashboardFile dashboard) {
        List<Problem> problems = new ArrayList<>();
        rules.forEach((name, rule) ->
                rule.apply(dashboard).forEach(p -> problems.add(new Problem(name, dashboard.name() + ": " + p))));
        return problems;
    }

    /** Each dashboard's problems, and a uid two of them share. */
    List<Problem> lint(List<DashboardFile> dashboards) {
        List<Problem> problems = new ArrayList<>();
        Map<String, String> uids = new HashMap<>();
        for (DashboardFile dashboard : dashboards) {
            problems.addAll(lint(dashboard));
            String other = uids.put(dashboard.uid(), dashboard.name());
            if (other != null) {
                problems.add(new Problem(
                        "unique-ids-rule",
                        dashboard.name() + ": uid '" + dashboard.uid() + "' is also " + other + "'s"));
            }
        }
        return problems;
    }

    private List<String> templateDatasource(DashboardFile d) {
        List<JsonNode> sources = d.variables().stream()
                .filter(v -> v.path("type").asText().equals("datasource"))
                .toList();
        if (sources.size() != 1) {
            return List.of("has " + sources.size() + " variables of type datasource; it needs one, named 'datasource'");
        }
        JsonNode source = sources.get(0);
        List<String> out = new ArrayList<>();
        if (!source.path("name").asText().equals("datasource")) {
            out.add("its datasource variable is named '" + source.path("name").asText() + "', not 'datasource'");
        }
        if (!source.path("query").asText().equals("prometheus")) {
            out.add("its datasource variable lists '" + source.path("query").asText()
                    + "' data sources, not 'prometheus'");
        }
        return out;
    }

    private List<String> templateClusterNode(DashboardFile d) {
        List<String> out = new ArrayList<>();
        for (String name : List.of("cluster", "node")) {
            Optional<JsonNode> found = d.variables().stream()
                    .filter(v -> v.path("name").asText().equals(name))
                    .findFirst();
            if (found.isEmpty()) {
                out.add("has no '" + name + "' variable");
                continue;
            }
            JsonNode v = found.get();
            boolean all = v.path("includeAll").asBoolean()
                    && v.path("current").path("value").toString().contains("$__all");
            if (!v.path("type").asText().equals("query")
                    || !DATASOURCE_REFERENCES.contains(
                            v.path("datasource").path("uid").asText())) {
                out.add("variable '" + name + "' is not a query on the datasource variable");
            }
            if (!all) {
                out.add("variable '" + name + "' does not default to All");
            }
            if (!v.path("allValue").asText().equals(".*")) {
                out.add("variable '" + name + "' has allValue '"
                        + v.path("allValue").asText() + "', not '.*' (All must match a host not listed yet)");
            }
        }
        return out;
    }

    private List<String> panelDatasource(DashboardFile d) {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : d.dataPanels()) {
            if (!DATASOURCE_REFERENCES.contains(
                    panel.path("datasource").path("uid").asText())) {
                out.add(where(panel) + " does not query the datasource variable: " + panel.path("datasource"));
            }
            for (JsonNode target : panel.path("targets")) {
                if (target.has("datasource")
                        && !DATASOURCE_REFERENCES.contains(
                                target.path("datasource").path("uid").asText())) {
                    out.add(where(panel) + " target " + target.path("refId").asText()
                            + " does not query the datasource variable");
                }
            }
        }
        return out;
    }

    /** No {@code __inputs} (an export for sharing), and no data source anywhere named by a fixed uid or name. */
    private List<String> noFixedDatasource(DashboardFile d) {
        List<String> out = new ArrayList<>();
        if (d.json().has("__inputs")) {
            out.add(
                    "has __inputs: it must take its data source from the datasource variable, not ask for one on import");
        }
        walk(d.json(), "", (path, node) -> {
            if (!path.endsWith(".datasource")) {
                return;
            }
            String reference = node.isObject() ? node.path("uid").asText() : node.asText();
            if (!reference.startsWith("$")) {
                out.add(path.substring(1) + " names a fixed data source '" + reference + "'");
            }
        });
        return out;
    }

    private List<String> panelUnits(DashboardFile d) {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : d.dataPanels()) {
            String unit =
                    panel.path("fieldConfig").path("defaults").path("unit").asText();
            if (!UNITS.contains(unit)) {
                out.add(where(panel) + " has no or an unknown unit: '" + unit + "'");
            }
            for (JsonNode override : panel.path("fieldConfig").path("overrides")) {
                for (JsonNode property : override.path("properties")) {
                    if (property.path("id").asText().equals("unit")
                            && !UNITS.contains(property.path("value").asText())) {
                        out.add(where(panel) + " overrides the unit with an unknown one: '"
                                + property.path("value").asText() + "'");
                    }
                }
            }
        }
        return out;
    }

    private List<String> panelThresholds(DashboardFile d) {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : d.dataPanels()) {
            JsonNode steps = panel.path("fieldConfig")
                    .path("defaults")
                    .path("thresholds")
                    .path("steps");
            if (!steps.isArray()
                    || steps.isEmpty()
                    || !steps.get(0).path("value").isNull()
                    || steps.get(0).path("color").asText().isBlank()) {
                out.add(where(panel)
                        + " has no thresholds (a base step of value null and a colour, then the steps that matter)");
            }
        }
        return out;
    }

    private List<String> panelRateInterval(DashboardFile d) {
        List<String> out = new ArrayList<>();
        forEachQuery(
                d,
                (where, query) -> query.ranges().stream()
                        .filter(r ->
                                r.function().filter(RATE_FUNCTIONS::contains).isPresent()
                                        && !RATE_INTERVAL.contains(r.duration()))
                        .forEach(r -> out.add(where + " passes [" + r.duration() + "] to "
                                + r.function().orElseThrow() + "(): use [$__rate_interval]: " + query.expr())));
        return out;
    }

    private List<String> targetCounterAgg(DashboardFile d) {
        List<String> out = new ArrayList<>();
        forEachQuery(
                d,
                (where, query) -> query.selectors().stream()
                        .filter(s -> isCounter(s.metric())
                                && !(s.ranged()
                                        && s.function()
                                                .filter(COUNTER_FUNCTIONS::contains)
                                                .isPresent()))
                        .forEach(s -> out.add(where + " reads the counter " + s.metric()
                                + " outside rate(), irate() or increase(): " + query.expr())));
        return out;
    }

    private List<String> panelTitleDescription(DashboardFile d) {
        return d.dataPanels().stream()
                .filter(p -> p.path("title").asText().isBlank()
                        || p.path("description").asText().isBlank())
                .map(p -> where(p) + " needs a title and a description")
                .toList();
    }

    private List<String> panelNoTargets(DashboardFile d) {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : d.dataPanels()) {
            if (panel.path("targets").isEmpty()) {
                out.add(where(panel) + " has no target");
            }
            for (JsonNode target : panel.path("targets")) {
                if (target.path("expr").asText().isBlank()) {
                    out.add(where(panel) + " target " + target.path("refId").asText() + " has no expression");
                }
            }
        }
        return out;
    }

    private List<String> grid(DashboardFile d) {
        List<String> out = new ArrayList<>();
        List<JsonNode> placed = new ArrayList<>();
        for (JsonNode panel : d.json().path("panels")) {
            JsonNode g = panel.path("gridPos");
            int x = g.path("x").asInt(-1);
            int y = g.path("y").asInt(-1);
            int w = g.path("w").asInt(0);
            int h = g.path("h").asInt(0);
            if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > GRID_COLUMNS) {
                out.add(where(panel) + " at " + g + " is not inside the " + GRID_COLUMNS + "-column grid");
                continue;
            }
            for (JsonNode other : placed) {
                JsonNode o = other.path("gridPos");
                boolean apart = x + w <= o.path("x").asInt()
                        || o.path("x").asInt() + o.path("w").asInt() <= x
                        || y + h <= o.path("y").asInt()
                        || o.path("y").asInt() + o.path("h").asInt() <= y;
                if (!apart) {
                    out.add(where(panel) + " at " + g + " overlaps " + where(other) + " at " + o);
                }
            }
            placed.add(panel);
        }
        return out;
    }

    private List<String> uniqueIds(DashboardFile d) {
        List<String> out = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : d.panels()) {
            if (!panel.path("id").isInt()) {
                out.add(where(panel) + " has no numeric id");
            } else if (!ids.add(panel.path("id").asInt())) {
                out.add(where(panel) + " has the id of another panel");
            }
            Set<String> refIds = new HashSet<>();
            for (JsonNode target : panel.path("targets")) {
                if (!refIds.add(target.path("refId").asText())) {
                    out.add(where(panel) + " has two targets with refId '"
                            + target.path("refId").asText() + "'");
                }
            }
        }
        return out;
    }

    /** Every metric a target or a variable reads is in docs/metrics.md (a histogram's _bucket, _count, _sum and _max with it). */
    private List<String> catalogMetrics(DashboardFile d) {
        List<String> out = new ArrayList<>();
        forEachQuery(
                d,
                (where, query) -> query.selectors().stream()
                        .filter(s -> catalogEntry(s.metric()).isEmpty())
                        .forEach(s ->
                                out.add(where + " reads " + s.metric() + ", which docs/metrics.md does not list")));
        return out;
    }

    private List<String> schema(DashboardFile d) {
        List<String> out = new ArrayList<>();
        if (d.json().path("schemaVersion").asInt() != Dashboard.SCHEMA_VERSION) {
            out.add("schemaVersion is " + d.json().path("schemaVersion") + ", not the pinned "
                    + Dashboard.SCHEMA_VERSION);
        }
        if (!d.uid().equals("vigil-" + d.baseName())) {
            out.add("uid is '" + d.uid() + "', not 'vigil-" + d.baseName() + "' (stable: from the file's name)");
        }
        if (!d.json().path("tags").toString().contains("\"" + Dashboard.TAG + "\"")) {
            out.add("is not tagged '" + Dashboard.TAG + "', which the dashboards link each other by");
        }
        return out;
    }

    private List<String> links(DashboardFile d) {
        List<String> out = new ArrayList<>();
        boolean linked = false;
        for (JsonNode link : d.json().path("links")) {
            linked |= link.path("type").asText().equals("dashboards")
                    && link.path("tags").toString().contains("\"" + Dashboard.TAG + "\"");
        }
        if (!linked) {
            out.add("has no link to the dashboards tagged '" + Dashboard.TAG + "'");
        }
        for (JsonNode panel : d.panels()) {
            for (JsonNode link : panel.path("links")) {
                Matcher m = DASHBOARD_LINK.matcher(link.path("url").asText());
                if (m.find() && !knownUids.contains(m.group(1))) {
                    out.add(where(panel) + " links to dashboard '" + m.group(1) + "', which is none of " + knownUids);
                }
            }
        }
        return out;
    }

    /** A stat panel says NO DATA in words and in a colour that is not green: its base threshold and its mapping of null and NaN. */
    private List<String> statNoData(DashboardFile d) {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : d.dataPanels()) {
            if (!panel.path("type").asText().equals("stat")) {
                continue;
            }
            JsonNode defaults = panel.path("fieldConfig").path("defaults");
            if (defaults.path("noValue").asText().isBlank()) {
                out.add(where(panel) + " has no noValue text");
            }
            String base = defaults.path("thresholds")
                    .path("steps")
                    .path(0)
                    .path("color")
                    .asText();
            if (base.isBlank() || base.toLowerCase().contains("green")) {
                out.add(where(panel) + " has the base colour '" + base + "': no data would look green");
            }
            boolean mapped = false;
            for (JsonNode mapping : defaults.path("mappings")) {
                JsonNode options = mapping.path("options");
                if (mapping.path("type").asText().equals("special")
                        && options.path("match").asText().contains("nan")
                        && options.path("match").asText().contains("null")) {
                    String color = options.path("result").path("color").asText();
                    mapped = !color.isBlank() && !color.toLowerCase().contains("green");
                }
            }
            if (!mapped && !defaults.path("mappings").isEmpty()) {
                out.add(where(panel) + " maps values to words but not null and NaN to a colour that is not green");
            }
        }
        return out;
    }

    private List<String> wallOneScreen(DashboardFile d) {
        if (!d.json().path("tags").toString().contains("\"" + Dashboard.WALL_TAG + "\"")) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (JsonNode panel : d.json().path("panels")) {
            JsonNode g = panel.path("gridPos");
            if (g.path("y").asInt() + g.path("h").asInt() > WALL_ROWS) {
                out.add(where(panel) + " ends on grid row "
                        + (g.path("y").asInt() + g.path("h").asInt()) + ", below one 1080p screen (" + WALL_ROWS
                        + " rows)");
            }
            if (panel.path("type").asText().equals("row")) {
                out.add(where(panel) + " is a row: a wall shows everything at once, nothing folded");
            }
        }
        if (d.json().path("refresh").asText().isBlank()) {
            out.add("does not refresh by itself");
        }
        return out;
    }

    /** A table's value column renamed to a label's name would show two columns of one name, the label's hidden behind the value's. */
    private List<String> tableColumns(DashboardFile d) {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : d.dataPanels()) {
            for (JsonNode transformation : panel.path("transformations")) {
                String valueColumn = transformation
                        .path("options")
                        .path("renameByName")
                        .path("Value")
                        .asText();
                if (valueColumn.isEmpty()) {
                    continue;
                }
                for (JsonNode target : panel.path("targets")) {
                    PromQuery.read(target.path("expr").asText()).selectors().stream()
                            .map(s -> catalogEntry(s.metric()))
                            .flatMap(Optional::stream)
                            .filter(e -> e.labels().contains(valueColumn))
                            .forEach(e -> out.add(where(panel) + " names its value column '" + valueColumn
                                    + "', a label of " + e.name()));
                }
            }
        }
        return out;
    }

    private Optional<MetricCatalog.Entry> catalogEntry(String metric) {
        if (catalog.containsKey(metric)) {
            return Optional.of(catalog.get(metric));
        }
        for (String suffix : List.of("_bucket", "_count", "_sum", "_max")) {
            if (metric.endsWith(suffix)) {
                MetricCatalog.Entry timer = catalog.get(metric.substring(0, metric.length() - suffix.length()));
                boolean fits = timer != null
                        && (timer.type().equals("histogram")
                                || timer.type().equals("summary") && !suffix.equals("_bucket"));
                if (fits) {
                    return Optional.of(timer);
                }
            }
        }
        return Optional.empty();
    }

    /** A counter by its catalog type (a timer's _bucket, _count and _sum count too), or by Prometheus's _total when unlisted. */
    private boolean isCounter(String metric) {
        MetricCatalog.Entry entry = catalog.get(metric);
        if (entry != null) {
            return entry.type().equals("counter");
        }
        return metric.endsWith("_total")
                || catalogEntry(metric).filter(e -> !metric.endsWith("_max")).isPresent();
    }

    /** Each target's and each query variable's expression, read, with where it is. */
    private void forEachQuery(DashboardFile d, java.util.function.BiConsumer<String, PromQuery> action) {
        for (DashboardFile.Target target : d.targets()) {
            action.accept(target.inPanel(), PromQuery.read(target.expr()));
        }
        for (JsonNode variable : d.variables()) {
            if (variable.path("type").asText().equals("query")) {
                String query = variable.path("query").isObject()
                        ? variable.path("query").path("query").asText()
                        : variable.path("query").asText();
                Matcher labelValues = LABEL_VALUES.matcher(query);
                action.accept(
                        "variable " + variable.path("name").asText(),
                        PromQuery.read(labelValues.matches() ? labelValues.group(1) : query));
            }
        }
    }

    private static String where(JsonNode panel) {
        return "panel " + panel.path("id").asText() + " '" + panel.path("title").asText() + "'";
    }

    private static void walk(JsonNode node, String path, java.util.function.BiConsumer<String, JsonNode> visit) {
        visit.accept(path, node);
        if (node.isObject()) {
            node.properties().forEach(f -> walk(f.getValue(), path + "." + f.getKey(), visit));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "[" + i + "]", visit);
            }
        }
    }
}
