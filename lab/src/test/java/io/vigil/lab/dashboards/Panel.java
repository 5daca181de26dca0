package io.vigil.lab.dashboards;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One Grafana panel as the dashboards are generated: its kind, title, description, place on the
 * 24-column grid, queries, unit, thresholds and value mappings, and links to other dashboards.
 * Every panel queries through the dashboard's {@code datasource} variable.
 */
final class Panel {
    enum Kind {
        STAT("stat"),
        TIMESERIES("timeseries"),
        STATE_TIMELINE("state-timeline"),
        TABLE("table");

        final String type;

        Kind(String type) {
            this.type = type;
        }
    }

    record Query(String expr, String legend) {}

    record Link(String title, String uid) {}

    private final Kind kind;
    private final String title;
    private String description = "";
    private int x;
    private int y;
    private int w;
    private int h;
    private final List<Query> queries = new ArrayList<>();
    private String unit = "none";
    private Thresholds thresholds = Thresholds.base("text");
    private Optional<StateWords> words = Optional.empty();
    private final List<Link> links = new ArrayList<>();
    private Optional<String> tableValueName = Optional.empty();
    private boolean bars;

    private Panel(Kind kind, String title) {
        this.kind = kind;
        this.title = title;
    }

    static Panel stat(String title) {
        return new Panel(Kind.STAT, title);
    }

    static Panel timeseries(String title) {
        return new Panel(Kind.TIMESERIES, title);
    }

    static Panel stateTimeline(String title) {
        return new Panel(Kind.STATE_TIMELINE, title);
    }

    /** A table of the series' labels now, the value in a column named {@code valueName}. */
    static Panel table(String title, String valueName) {
        Panel panel = new Panel(Kind.TABLE, title);
        panel.tableValueName = Optional.of(valueName);
        return panel;
    }

    Panel says(String description) {
        this.description = description;
        return this;
    }

    Panel at(int x, int y, int w, int h) {
        this.x = x;
        this.y = y;
        this.w = w;
        this.h = h;
        return this;
    }

    Panel query(String expr, String legend) {
        queries.add(new Query(expr, legend));
        return this;
    }

    Panel unit(String unit) {
        this.unit = unit;
        return this;
    }

    Panel thresholds(Thresholds thresholds) {
        this.thresholds = thresholds;
        return this;
    }

    Panel words(StateWords words) {
        this.words = Optional.of(words);
        return this;
    }

    Panel link(String title, String uid) {
        links.add(new Link(title, uid));
        return this;
    }

    /** Drawn as bars: counts per interval rather than a level. */
    Panel bars() {
        this.bars = true;
        return this;
    }

    ObjectNode json(int id) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode panel = json.objectNode();
        panel.put("id", id).put("type", kind.type).put("title", title).put("description", description);
        panel.set("datasource", Dashboard.datasource());
        panel.putObject("gridPos").put("h", h).put("w", w).put("x", x).put("y", y);
        ObjectNode defaults = json.objectNode().put("unit", unit);
        panel.putObject("fieldConfig").<ObjectNode>set("defaults", defaults).putArray("overrides");
        defaults.set("thresholds", thresholds.json());
        defaults.putObject("color")
                .put("mode", kind == Kind.TIMESERIES && words.isEmpty() ? "palette-classic" : "thresholds");
        defaults.set("mappings", words.map(StateWords::mappings).orElseGet(json::arrayNode));
        if (kind == Kind.STAT || kind == Kind.TABLE) {
            // no data is said in words, in red through the base threshold, never as a green value
            defaults.put("noValue", StateWords.NO_DATA);
        }
        switch (kind) {
            case STAT -> statOptions(panel);
            case TIMESERIES -> timeseriesOptions(panel, defaults);
            case STATE_TIMELINE -> stateTimelineOptions(panel, defaults);
            case TABLE -> tableOptions(panel, defaults);
        }
        ArrayNode targets = panel.putArray("targets");
        for (int i = 0; i < queries.size(); i++) {
            Query query = queries.get(i);
            ObjectNode target = targets.addObject();
            target.put("refId", String.valueOf((char) ('A' + i))).set("datasource", Dashboard.datasource());
            target.put("editorMode", "code").put("expr", query.expr()).put("legendFormat", query.legend());
            boolean instant = kind == Kind.STAT || kind == Kind.TABLE;
            target.put("instant", instant).put("range", !instant);
            if (kind == Kind.TABLE) {
                target.put("format", "table");
            }
        }
        if (!links.isEmpty()) {
            ArrayNode panelLinks = panel.putArray("links");
            links.forEach(
                    l -> panelLinks
                            .addObject()
                            .put("title", l.title())
                            .put(
                                    "url",
                                    "/d/" + l.uid()
                                            + "?${__url_time_range}&${datasource:queryparam}&${cluster:queryparam}&${node:queryparam}"));
        }
        return panel;
    }

    private void statOptions(ObjectNode panel) {
        ObjectNode options = panel.putObject("options");
        options.putObject("reduceOptions")
                .put("values", false)
                .put("fields", "")
                .putArray("calcs")
                .add("lastNotNull");
        options.put("colorMode", "background")
                .put("graphMode", "none")
                .put("justifyMode", "center")
                .put("orientation", "auto")
                .put("textMode", "value_and_name")
                .put("wideLayout", true)
                .put("showPercentChange", false);
        // no text size: Grafana sizes the words to fill each box, as large as the screen allows
    }

    private void timeseriesOptions(ObjectNode panel, ObjectNode defaults) {
        ObjectNode custom = defaults.putObject("custom");
        custom.put("drawStyle", bars ? "bars" : "line")
                .put("lineWidth", 1)
                .put("fillOpacity", bars ? 80 : 10)
                .put("showPoints", "never")
                .put("spanNulls", false);
        // the thresholds are drawn as dashed lines where they mean something: the base alone draws nothing
        custom.putObject("thresholdsStyle").put("mode", thresholds.steps().isEmpty() ? "off" : "dashed");
        ObjectNode options = panel.putObject("options");
        options.putObject("legend")
                .put("showLegend", true)
                .put("displayMode", "table")
                .put("placement", "bottom")
                .putArray("calcs")
                .add("lastNotNull")
                .add("max");
        options.putObject("tooltip").put("mode", "multi").put("sort", "desc");
    }

    private void stateTimelineOptions(ObjectNode panel, ObjectNode defaults) {
        defaults.putObject("custom").put("fillOpacity", 80).put("lineWidth", 0);
        ObjectNode options = panel.putObject("options");
        options.put("showValue", "auto")
                .put("mergeValues", true)
                .put("rowHeight", 0.9)
                .put("alignValue", "left");
        options.putObject("legend")
                .put("showLegend", false)
                .put("displayMode", "list")
                .put("placement", "bottom");
        options.putObject("tooltip").put("mode", "single").put("sort", "none");
    }

    private void tableOptions(ObjectNode panel, ObjectNode defaults) {
        defaults.putObject("custom")
                .put("align", "auto")
                .putObject("cellOptions")
                .put("type", "auto");
        ObjectNode override = ((ArrayNode) panel.path("fieldConfig").path("overrides")).addObject();
        override.putObject("matcher").put("id", "byName").put("options", tableValueName.orElseThrow());
        override.putArray("properties")
                .addObject()
                .put("id", "custom.cellOptions")
                .putObject("value")
                .put("type", "color-background");
        panel.putObject("options").put("showHeader", true).put("cellHeight", "sm");
        ObjectNode organize = panel.putArray("transformations").addObject().put("id", "organize");
        ObjectNode organizeOptions = organize.putObject("options");
        organizeOptions
                .putObject("excludeByName")
                .put("Time", true)
                .put("__name__", true)
                .put("job", true)
                .put("instance", true);
        organizeOptions.putObject("renameByName").put("Value", tableValueName.orElseThrow());
    }
}
