package io.vigil.rules.notify;

import io.vigil.events.Alert;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a receiver is told at once: one group's alerts that fire and those that resolved since it
 * was last told, the labels the group is made of, and where the engine is (for links). The labels
 * and annotations all its alerts share are worked out here, as Alertmanager does for templates.
 */
public record Notification(
        String receiver,
        String groupKey,
        Map<String, String> groupLabels,
        List<Alert> firing,
        List<Alert> resolved,
        String externalUrl) {
    public Notification {
        Objects.requireNonNull(receiver, "receiver");
        Objects.requireNonNull(groupKey, "groupKey");
        groupLabels = Map.copyOf(groupLabels);
        firing = List.copyOf(firing);
        resolved = List.copyOf(resolved);
    }

    /** "firing" while one alert fires, "resolved" when all have. */
    public String status() {
        return firing.isEmpty() ? "resolved" : "firing";
    }

    public List<Alert> all() {
        return java.util.stream.Stream.concat(firing.stream(), resolved.stream())
                .toList();
    }

    public Map<String, String> commonLabels() {
        return common(all().stream().map(Alert::labels).toList());
    }

    public Map<String, String> commonAnnotations() {
        return common(all().stream().map(Alert::annotations).toList());
    }

    private static Map<String, String> common(List<Map<String, String>> maps) {
        if (maps.isEmpty()) {
            return Map.of();
        }
        Map<String, String> common = new HashMap<>(maps.get(0));
        for (Map<String, String> m : maps.subList(1, maps.size())) {
            common.entrySet().removeIf(e -> !e.getValue().equals(m.get(e.getKey())));
        }
        return Map.copyOf(common);
    }
}
