package io.vigil.lab.dashboards;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One of Vigil's dashboards as generated: a stable uid ({@code vigil-FILE}), a pinned schema
 * version, the {@code datasource}, {@code cluster} and {@code node} variables (the last two All by
 * default) and a link to every other Vigil dashboard by their shared tag. The wall is tagged so
 * too: the lint holds it to one screen.
 */
record Dashboard(
        String file, String title, String description, String refresh, String from, boolean wall, List<Panel> panels) {
    /** The Grafana dashboard schema version the JSON is written for (Grafana 10.4 and 11.0 write 39). */
    static final int SCHEMA_VERSION = 39;

    static final String TAG = "vigil";
    /** The wall's own tag: the lint holds a dashboard so tagged to one screen. */
    static final String WALL_TAG = "wall";
    /** The data source every panel and variable queries: the dashboard's variable, never a fixed uid. */
    static final String DATASOURCE = "${datasource}";

    String uid() {
        return "vigil-" + file;
    }

    static ObjectNode datasource() {
        return JsonNodeFactory.instance.objectNode().put("type", "prometheus").put("uid", DATASOURCE);
    }

    ObjectNode json() {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode dashboard = json.objectNode();
        dashboard.putNull("id");
        dashboard.put("uid", uid()).put("title", title).put("description", description);
        var tags = dashboard.putArray("tags").add(TAG);
        if (wall) {
            tags.add(WALL_TAG);
        }
        dashboard
                .put("schemaVersion", SCHEMA_VERSION)
                .put("version", 1)
                .put("editable", true)
                .put("graphTooltip", 1)
                .put("refresh", refresh)
                .put("timezone", "browser")
                .put("fiscalYearStartMonth", 0)
                .put("liveNow", false);
        dashboard.putObject("time").put("from", from).put("to", "now");
        dashboard.putObject("timepicker");
        dashboard.putObject("annotations").putArray("list");
        ObjectNode link = dashboard.putArray("links").addObject();
        link.put("title", "Vigil")
                .put("type", "dashboards")
                .put("asDropdown", false)
                .put("includeVars", true)
                .put("keepTime", true)
                .put("targetBlank", false)
                .put("icon", "external link")
                .put("tooltip", "")
                .put("url", "");
        link.putArray("tags").add(TAG);
        ArrayNode variables = dashboard.putObject("templating").putArray("list");
        ObjectNode source = variables
                .addObject()
                .put("name", "datasource")
                .put("label", "Data source")
                .put("type", "datasource")
                .put("query", "prometheus")
                .put("regex", "")
                .put("refresh", 1)
                .put("hide", 0)
                .put("includeAll", false)
                .put("multi", false);
        source.putObject("current");
        source.putArray("options");
        variables.add(labelVariable(
                "cluster", "Pair", "label_values(vigil_engine_node_last_heard_timestamp_seconds, cluster)"));
        variables.add(labelVariable(
                "node",
                "Host",
                "label_values(vigil_engine_node_last_heard_timestamp_seconds{cluster=~\"$cluster\"}, node)"));
        ArrayNode out = dashboard.putArray("panels");
        for (int i = 0; i < panels.size(); i++) {
            out.add(panels.get(i).json(i + 1));
        }
        return dashboard;
    }

    /**
     * A variable of one label's values, All by default. All is {@code .*}, not the list of values
     * Grafana found: a host the engine has not heard yet still shows.
     */
    private static ObjectNode labelVariable(String name, String label, String query) {
        ObjectNode variable = JsonNodeFactory.instance.objectNode();
        variable.put("name", name).put("label", label).put("type", "query").set("datasource", datasource());
        variable.put("query", query)
                .put("definition", query)
                .put("refresh", 2)
                .put("regex", "")
                .put("sort", 1)
                .put("includeAll", true)
                .put("multi", true)
                .put("allValue", ".*")
                .put("hide", 0);
        ObjectNode current = variable.putObject("current").put("selected", true);
        current.putArray("text").add("All");
        current.putArray("value").add("$__all");
        variable.putArray("options");
        return variable;
    }
}
