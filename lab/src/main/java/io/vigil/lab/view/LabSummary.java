package io.vigil.lab.view;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.events.AlertState;
import io.vigil.events.EnvelopeCodec;
import io.vigil.events.EventKind;
import io.vigil.events.LvmReport.VolumeGroup;
import io.vigil.lab.view.ClusterPicture.HostPicture;
import java.time.Duration;
import java.util.List;

/**
 * The one JSON object {@code vigil lab --json} prints at the end: per host, the events seen per
 * kind and the last state of each resource, disk, VG and VM, as read back from Kafka; the alerts
 * and notifications; each resource's latest failover (vigil.audit); the faults given and whether each applied.
 */
public final class LabSummary {
    private LabSummary() {}

    /**
     * The hosts, the alerts firing and pending at the end as the engine published them, what the
     * screen receiver was told, and every fault the lab was given with whether it applied.
     */
    public static ObjectNode of(
            ClusterPicture picture, AlertBoard alerts, SagaBoard sagas, PageLog pages, FaultLog faults, Duration ran) {
        ObjectNode root = of(picture, ran);
        ObjectNode given = root.putObject("faults");
        given.put("applied", faults.applied());
        given.put("refused", faults.refused());
        var each = given.putArray("each");
        for (FaultLog.Entry f : faults.all()) {
            each.addObject()
                    .put("atSeconds", f.at().toMillis() / 1000.0)
                    .put("fault", f.fault())
                    .put("applied", f.applied())
                    .put("message", f.message());
        }
        var told = root.putArray("notifications");
        for (PageLog.Page page : pages.last(PageLog.KEPT)) {
            told.addObject().put("at", page.at().toString()).put("text", page.text());
        }
        ObjectNode failovers = root.putObject("sagas");
        for (SagaBoard.SagaLine saga : sagas.all()) {
            failovers
                    .putObject(saga.cluster() + "/" + saga.resource())
                    .put("sagaId", saga.sagaId())
                    .put("phase", saga.phase())
                    .put("startedAt", saga.startedAt().toString())
                    .put("phaseSince", saga.phaseSince().toString())
                    .put("last", saga.last());
        }
        ObjectNode byState = root.putObject("alerts");
        for (AlertState state : List.of(AlertState.FIRING, AlertState.PENDING)) {
            byState.set(state.wire(), EnvelopeCodec.json().valueToTree(alerts.in(state)));
        }
        return root;
    }

    public static ObjectNode of(ClusterPicture picture, Duration ran) {
        ObjectMapper json = EnvelopeCodec.json();
        ObjectNode root = json.createObjectNode();
        root.put("durationSeconds", ran.toMillis() / 1000.0);
        root.put("events", picture.events());
        ObjectNode hosts = root.putObject("hosts");
        for (HostPicture host : picture.hosts()) {
            // keyed as the screen names a host: node names repeat across clusters
            ObjectNode h = hosts.putObject(host.cluster() + "/" + host.node());
            h.put("cluster", host.cluster());
            h.put("node", host.node());
            h.put("lastSeq", host.lastSeq());
            h.put("seqWentBack", host.seqWentBack());
            h.put("lastSeen", host.lastSeen().toString());
            ObjectNode counts = h.putObject("eventsByKind");
            for (EventKind kind : EventKind.values()) {
                counts.put(kind.wire(), host.eventsByKind().getOrDefault(kind, 0L));
            }
            ObjectNode resources = h.putObject("resources");
            host.resources().forEach((name, r) -> resources.set(name, json.valueToTree(r)));
            ObjectNode disks = h.putObject("disks");
            host.disks().forEach((name, d) -> disks.set(name, json.valueToTree(d)));
            ObjectNode vgs = h.putObject("volumeGroups");
            host.lvm().ifPresent(l -> {
                for (VolumeGroup vg : l.volumeGroups()) {
                    vgs.set(vg.name(), json.valueToTree(vg));
                }
                h.set("logicalVolumes", json.valueToTree(l.logicalVolumes()));
            });
            ObjectNode vms = h.putObject("vms");
            host.vms().forEach((name, v) -> vms.set(name, json.valueToTree(v)));
            host.heartbeat().ifPresent(b -> h.set("heartbeat", json.valueToTree(b)));
        }
        return root;
    }
}
