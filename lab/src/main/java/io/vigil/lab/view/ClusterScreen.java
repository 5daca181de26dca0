package io.vigil.lab.view;

import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.events.DiskHealth;
import io.vigil.events.DrbdResource;
import io.vigil.events.DrbdResource.DrbdConnection;
import io.vigil.events.DrbdResource.DrbdDevice;
import io.vigil.events.DrbdResource.DrbdPeerDevice;
import io.vigil.events.LvmReport.VolumeGroup;
import io.vigil.events.ProbeHealth;
import io.vigil.events.Topics;
import io.vigil.events.VmStatus;
import io.vigil.lab.view.ClusterPicture.HostPicture;
import io.vigil.service.config.ByteSize;
import io.vigil.service.terminal.TerminalText;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Renders a {@link ClusterPicture} as the lab's screen: one block per host, one line per
 * resource, disk, VG and VM, in the words operators use (drbdadm status, smartctl, vgs, virsh).
 */
public final class ClusterScreen {
    private static final int SHOWN_APPLIED = 4;

    private ClusterScreen() {}

    public static String render(ClusterPicture picture, Instant now) {
        StringBuilder out = new StringBuilder();
        List<HostPicture> hosts = picture.hosts();
        if (hosts.isEmpty()) {
            return "waiting for the first telemetry from the agents...\n";
        }
        for (HostPicture host : hosts) {
            renderHost(out, host, now);
        }
        out.append(String.format(Locale.ROOT, "%d events read back from Kafka%n", picture.events()));
        return out.toString();
    }

    /**
     * The hosts, the alerts, the last notifications the lab's screen receiver was given, each resource's latest failover,
     * then the faults refused and the last applied.
     */
    public static String render(
            ClusterPicture picture, AlertBoard alerts, SagaBoard sagas, PageLog pages, FaultLog faults, Instant now) {
        StringBuilder out = new StringBuilder(render(picture, alerts, pages, now));
        List<SagaBoard.SagaLine> failovers = sagas.all();
        out.append(String.format(
                Locale.ROOT,
                "== failovers (read back from %s): %s%n",
                Topics.AUDIT,
                failovers.isEmpty()
                        ? "none yet"
                        : failovers.size() + " resource" + (failovers.size() == 1 ? "" : "s")));
        for (SagaBoard.SagaLine saga : failovers) {
            out.append("   ").append(sagaLine(saga, now)).append('\n');
        }
        List<FaultLog.Entry> given = faults.all();
        if (!given.isEmpty()) {
            out.append(String.format(
                    Locale.ROOT, "== faults: %d applied, %d refused%n", faults.applied(), faults.refused()));
            long applied = given.stream().filter(FaultLog.Entry::applied).count();
            long appliedSeen = 0;
            for (FaultLog.Entry f : given) {
                // every refused one: a fault that did not happen must not go unnoticed; of the applied, the last few
                if (f.applied() && ++appliedSeen <= applied - SHOWN_APPLIED) {
                    continue;
                }
                out.append(String.format(
                        Locale.ROOT,
                        "   at %4ds  %-8s %s: %s%n",
                        f.at().toSeconds(),
                        f.applied() ? "applied" : "REFUSED",
                        TerminalText.of(f.fault()),
                        TerminalText.of(f.message())));
            }
        }
        return out.toString();
    }

    /** The hosts, the alerts, then the last notifications the lab's screen receiver was given. */
    public static String render(ClusterPicture picture, AlertBoard alerts, PageLog pages, Instant now) {
        StringBuilder out = new StringBuilder(render(picture, alerts, now));
        List<PageLog.Page> last = pages.last(4);
        out.append(String.format(
                Locale.ROOT,
                "== notifications (the lab's screen receiver): %s%n",
                last.isEmpty() ? "none yet" : "latest last"));
        for (PageLog.Page page : last) {
            long ago = Math.max(0, Duration.between(page.at(), now).toSeconds());
            String text = page.text().lines().map(TerminalText::of).collect(Collectors.joining("\n             "));
            out.append(String.format(Locale.ROOT, "   %3ds ago  %s%n", ago, text));
        }
        return out.toString();
    }

    /** The hosts, then the alerts the engine published: firing ones (muted ones marked), then pending. */
    private static String render(ClusterPicture picture, AlertBoard alerts, Instant now) {
        StringBuilder out = new StringBuilder(render(picture, now));
        List<Alert> firing = alerts.in(AlertState.FIRING);
        List<Alert> pending = alerts.in(AlertState.PENDING);
        out.append(String.format(
                Locale.ROOT,
                "== alerts (read back from %s): %d firing, %d pending%n",
                Topics.ALERTS,
                firing.size(),
                pending.size()));
        for (Alert a : firing) {
            out.append("   ").append(alertLine(a, now)).append('\n');
        }
        for (Alert a : pending) {
            out.append("   ").append(alertLine(a, now)).append('\n');
        }
        return out.toString();
    }

    /** "pair-1/r0  Evacuating  saga pair-1:r0:1  12s (in phase 3s)  sent ...": names and text off the wire, made printable. */
    static String sagaLine(SagaBoard.SagaLine saga, Instant now) {
        return String.format(
                Locale.ROOT,
                "%s  %-17s saga %s  %ds (in phase %ds)  %s",
                TerminalText.of(saga.cluster() + "/" + saga.resource()),
                TerminalText.of(saga.phase()),
                TerminalText.of(saga.sagaId()),
                Math.max(0, Duration.between(saga.startedAt(), now).toSeconds()),
                Math.max(0, Duration.between(saga.phaseSince(), now).toSeconds()),
                TerminalText.of(saga.last()));
    }

    /** One alert; its rule, labels and summary come off the wire and are printed with control characters made visible. */
    static String alertLine(Alert a, Instant now) {
        Instant since = a.state() == AlertState.FIRING ? a.firedAt().orElse(a.activeAt()) : a.activeAt();
        String thing = a.labels()
                .getOrDefault(
                        "resource",
                        a.labels()
                                .getOrDefault(
                                        "device",
                                        a.labels()
                                                .getOrDefault(
                                                        "vm",
                                                        a.labels()
                                                                .getOrDefault(
                                                                        "vg",
                                                                        a.labels()
                                                                                .getOrDefault("probe", "")))));
        String muted =
                !a.silencedBy().isEmpty() ? " (silenced)" : !a.inhibitedBy().isEmpty() ? " (inhibited)" : "";
        return String.format(
                Locale.ROOT,
                "%-7s %-8s %-24s %-7s %-10s %s, for %ds%s%s",
                a.state() == AlertState.FIRING ? "FIRING" : "pending",
                TerminalText.of(a.labels().getOrDefault("severity", "")),
                TerminalText.of(a.rule()),
                TerminalText.of(a.labels().getOrDefault("node", "")),
                TerminalText.of(thing),
                TerminalText.of(a.annotations().getOrDefault("summary", "")),
                Math.max(0, Duration.between(since, now).toSeconds()),
                a.flapping() ? " (flapping)" : "",
                muted);
    }

    private static void renderHost(StringBuilder out, HostPicture host, Instant now) {
        long age = Math.max(0, Duration.between(host.lastSeen(), now).toSeconds());
        String health = host.heartbeat()
                .map(h -> {
                    List<String> failing = h.probes().stream()
                            .filter(p -> !p.healthy())
                            .map(ProbeHealth::probe)
                            .toList();
                    return failing.isEmpty() ? "probes ok" : "FAILING probes: " + String.join(", ", failing);
                })
                .orElse("no heartbeat yet");
        String wentBack = host.seqWentBack() == 0
                ? ""
                : String.format(
                        Locale.ROOT, " (went back %d time%s)", host.seqWentBack(), host.seqWentBack() == 1 ? "" : "s");
        out.append(String.format(
                Locale.ROOT,
                "== %s/%s  last event %ds ago, seq %d%s, %s%s%n",
                host.cluster(),
                host.node(),
                age,
                host.lastSeq(),
                wentBack,
                health,
                age > 15 ? "  ** SILENT **" : ""));
        host.heartbeat()
                .ifPresent(h -> out.append(String.format(
                        Locale.ROOT,
                        "   memory %s free of %s, agent %s up %ds%n",
                        ByteSize.human(h.memoryAvailableBytes()),
                        ByteSize.human(h.memoryTotalBytes()),
                        TerminalText.of(h.agentVersion()),
                        h.uptimeSeconds())));
        for (DrbdResource r : host.resources().values()) {
            out.append("   ").append(resourceLine(r)).append('\n');
        }
        for (DiskHealth d : host.disks().values()) {
            out.append("   ").append(diskLine(d)).append('\n');
        }
        host.lvm().ifPresent(l -> {
            for (VolumeGroup vg : l.volumeGroups()) {
                double used = vg.sizeBytes() == 0 ? 0 : 100.0 * (vg.sizeBytes() - vg.freeBytes()) / vg.sizeBytes();
                out.append(String.format(
                        Locale.ROOT,
                        "   vg %-10s %s of %s used (%.0f%%), %d LVs%n",
                        vg.name(),
                        ByteSize.human(vg.sizeBytes() - vg.freeBytes()),
                        ByteSize.human(vg.sizeBytes()),
                        used,
                        vg.logicalVolumes()));
            }
        });
        for (VmStatus vm : host.vms().values()) {
            out.append("   ").append(vmLine(vm)).append('\n');
        }
    }

    static String vmLine(VmStatus vm) {
        // a figure the agent could not read (dominfo failed, a VM missing) is said to be unknown, never shown as 0
        return String.format(
                Locale.ROOT,
                "vm %-10s %-9s %s, %s%s%s",
                vm.name(),
                vm.state().wire(),
                vm.memoryBytes().map(ByteSize::human).orElse("memory unknown"),
                vm.vcpus().map(n -> n + " vCPU").orElse("vCPUs unknown"),
                vm.drbdResource().map(r -> ", on " + r).orElse(""),
                vm.liveness() == io.vigil.events.Liveness.NOT_CHECKED
                        ? ""
                        : ", guest " + vm.liveness().wire());
    }

    static String resourceLine(DrbdResource r) {
        String disks = r.devices().stream().map(ClusterScreen::deviceText).collect(Collectors.joining(" "));
        String peers =
                r.connections().stream().map(ClusterScreen::connectionText).collect(Collectors.joining("; "));
        return String.format(
                Locale.ROOT,
                "drbd %-6s %-9s %s%s%s%s",
                r.resource(),
                r.role().wire(),
                disks,
                peers.isEmpty() ? "" : " | " + peers,
                r.suspended() ? " SUSPENDED" : "",
                r.splitBrain() ? " SPLIT-BRAIN" : "");
    }

    private static String deviceText(DrbdDevice d) {
        return "vol" + d.volume() + ":" + d.disk().wire()
                + d.quorum().map(q -> q ? "" : "(no quorum)").orElse("");
    }

    private static String connectionText(DrbdConnection c) {
        StringBuilder s = new StringBuilder(c.peer())
                .append(' ')
                .append(c.connection().wire())
                .append(' ')
                .append(c.peerRole().wire());
        for (DrbdPeerDevice p : c.peerDevices()) {
            s.append(" vol")
                    .append(p.volume())
                    .append(':')
                    .append(p.replication().wire())
                    .append('/')
                    .append(p.peerDisk().wire());
            p.donePercent().ifPresent(done -> s.append(String.format(Locale.ROOT, " %.1f%%", done)));
            p.etaSeconds().ifPresent(eta -> s.append(String.format(Locale.ROOT, " eta %.0fs", eta)));
            // a figure the agent could not read is said to be unknown, never shown as in sync
            p.outOfSyncBytes()
                    .ifPresentOrElse(
                            oos -> {
                                if (oos > 0) {
                                    s.append(" oos ").append(ByteSize.human(oos));
                                }
                            },
                            () -> s.append(" oos unknown"));
        }
        c.latency()
                .roundTripSeconds()
                .ifPresent(rtt -> s.append(String.format(Locale.ROOT, " rtt %.2fms", rtt * 1000)));
        return s.toString();
    }

    static String diskLine(DiskHealth d) {
        String verdict = d.smartPassed().map(p -> p ? "PASSED" : "FAILED").orElse("no SMART");
        StringBuilder s = new StringBuilder(String.format(
                Locale.ROOT, "disk %-12s %-7s %s", d.device(), d.protocol().wire(), verdict));
        d.reallocatedSectors()
                .filter(n -> n > 0)
                .ifPresent(n -> s.append(", ").append(n).append(" reallocated"));
        d.pendingSectors()
                .filter(n -> n > 0)
                .ifPresent(n -> s.append(", ").append(n).append(" pending"));
        d.mediaErrors()
                .filter(n -> n > 0)
                .ifPresent(n -> s.append(", ").append(n).append(" media errors"));
        d.temperatureCelsius().ifPresent(t -> s.append(String.format(Locale.ROOT, ", %.0f°C", t)));
        if (!d.flags().isEmpty()) {
            s.append(", ").append(d.flags().stream().map(f -> f.wire()).sorted().collect(Collectors.joining(",")));
        }
        return s.toString();
    }
}
