package io.vigil.rules.notify.dispatch;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Where an alert is grouped: its route's key and the values of the route's group_by labels. */
public record GroupKey(String route, Map<String, String> labels) {
    public GroupKey {
        labels = Map.copyOf(labels);
    }

    static GroupKey of(RouteTree.Route route, Map<String, String> alertLabels) {
        Map<String, String> values = new TreeMap<>();
        if (route.spec().groupsByAll()) {
            values.putAll(alertLabels);
        } else {
            for (String name : route.spec().groupBy()) {
                String value = alertLabels.get(name);
                if (value != null) {
                    values.put(name, value);
                }
            }
        }
        return new GroupKey(route.key(), values);
    }

    /** As Alertmanager writes a group key: {@code {}/{severity="critical"}/0:{alertname="X", cluster="pair-1"}}. */
    @Override
    public String toString() {
        return route + ":"
                + new TreeMap<>(labels)
                        .entrySet().stream()
                                .map(e -> e.getKey() + "=\"" + e.getValue() + "\"")
                                .collect(Collectors.joining(", ", "{", "}"));
    }
}
