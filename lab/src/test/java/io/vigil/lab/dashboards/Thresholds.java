package io.vigil.lab.dashboards;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** A panel's colour steps: a base colour (below every step, and for a value Grafana cannot place) and steps upwards. */
record Thresholds(String base, List<Step> steps) {
    record Step(double value, String color) {}

    static Thresholds base(String color) {
        return new Thresholds(color, List.of());
    }

    Thresholds then(double value, String color) {
        List<Step> more = new ArrayList<>(steps);
        more.add(new Step(value, color));
        return new Thresholds(base, List.copyOf(more));
    }

    ObjectNode json() {
        ObjectNode thresholds = JsonNodeFactory.instance.objectNode().put("mode", "absolute");
        var array = thresholds.putArray("steps");
        array.addObject().put("color", base).putNull("value");
        steps.forEach(s -> {
            ObjectNode step = array.addObject().put("color", s.color());
            if (s.value() == Math.rint(s.value())) {
                step.put("value", (long) s.value());
            } else {
                step.put("value", s.value());
            }
        });
        return thresholds;
    }
}
