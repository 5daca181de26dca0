package io.vigil.rules.engine;

import io.vigil.events.ActionResult;
import io.vigil.events.Body;
import io.vigil.events.DiskHealth;
import io.vigil.events.DrbdResource;
import io.vigil.events.Heartbeat;
import io.vigil.events.LvmReport;
import io.vigil.events.VmStatus;
import io.vigil.rules.rule.ScopeLabelNames;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** The labels naming the thing an event is about ({@link ScopeLabelNames}), read from the body. */
final class ScopeLabels {
    private ScopeLabels() {
    }

    static SortedMap<String, String> of(Body body) {
        SortedMap<String, String> labels = new TreeMap<>();
        if (body instanceof DrbdResource r) {
            labels.put("resource", r.resource());
        } else if (body instanceof DiskHealth d) {
            labels.put("device", d.device());
            d.deviceType().ifPresent(t -> labels.put("device_type", t));
        } else if (body instanceof VmStatus v) {
            labels.put("vm", v.name());
        } else if (!(body instanceof Heartbeat || body instanceof LvmReport || body instanceof ActionResult)) {
            throw new IllegalStateException("no scope labels for " + body.kind());
        }
        return Collections.unmodifiableSortedMap(labels);
    }
}
