package io.vigil.lab.dashboards;

import java.util.List;

/**
 * Vigil's Grafana dashboards, as written to {@code dashboards/}: the Wall (one screen for the room)
 * and the five that dig in (Replication, Disks, Capacity, VMs, Alerts and failovers). Every metric
 * is one of docs/metrics.md; the words a state panel shows come from one {@link StateWords} each,
 * so the Wall and the dashboard behind it say a state alike.
 */
final class VigilDashboards {
    /** An agent's series, filtered by both variables. */
    static final String HOST = "cluster=~\"$cluster\", node=~\"$node\"";
    /** The engine's per-pair series, which have no node. */
    static final String PAIR = "cluster=~\"$cluster\"";

    static final StateWords PAIR_STATE =
            StateWords.coded("0=OK:green", "1=DEGRADED:orange", "2=FAILING OVER:blue", "3=SPLIT-BRAIN:red");
    static final StateWords DISK = StateWords.of(
            "state",
            "OTHER",
            "UpToDate:green",
            "Consistent:yellow",
            "Outdated:orange",
            "Inconsistent:orange",
            "Negotiating:orange",
            "Attaching:orange",
            "Detaching:orange",
            "DUnknown:purple",
            "Diskless:red",
            "Failed:red");
    static final StateWords ROLE =
            StateWords.of("role", "OTHER", "Primary:blue", "Secondary:light-blue", "Unknown:red");
    static final StateWords REPLICATION = StateWords.of(
            "state",
            "OTHER",
            "Established:green",
            "SyncSource:orange",
            "SyncTarget:orange",
            "PausedSyncS:orange",
            "PausedSyncT:orange",
            "StartingSyncS:orange",
            "StartingSyncT:orange",
            "WFBitMapS:orange",
            "WFBitMapT:orange",
            "WFSyncUUID:orange",
            "VerifyS:yellow",
            "VerifyT:yellow",
            "Ahead:orange",
            "Behind:orange",
            "Off:red");
    static final StateWords CONNECTION = StateWords.of(
            "state",
            "OTHER",
            "Connected:green",
            "Connecting:orange",
            "Disconnecting:orange",
            "Unconnected:orange",
            "TearDown:orange",
            "StandAlone:red",
            "Timeout:red",
            "BrokenPipe:red",
            "NetworkFailure:red",
            "ProtocolError:red");
    static final StateWords PHASE = StateWords.of(
            "phase",
            "OTHER",
            "Healthy:green",
            "Degraded:orange",
            "AwaitingApproval:yellow",
            "Held:red",
            "MakingRoom:blue",
            "Evacuating:blue",
            "Fencing:blue",
            "Promoting:blue",
            "Starting:blue",
            "FailedOver:orange",
            "Resyncing:orange",
            "ReadyForFailback:yellow",
            "FailingBack:blue",
            "Stuck:red",
            "DryRun:purple");
    static final StateWords SMART = StateWords.coded("0=FAILED:red", "1=PASSED:green");
    static final StateWords RUNNING = StateWords.coded("0=NOT EVALUATING:red", "1=RUNNING:green");
    static final StateWords RECEIVER = StateWords.coded("0=DOWN:red", "1=UP:green");
    static final StateWords VM_RUNS = StateWords.coded("0=not running:transparent", "1=running:green");

    /** Phases in which a failover is under way and not finished: the pair is FAILING OVER. */
    private static final String UNDER_WAY =
            "AwaitingApproval|Held|MakingRoom|Evacuating|Fencing|Promoting|Starting|FailingBack|Stuck";
    /** Phases in which the pair runs on one side, or would in dry-run: DEGRADED. */
    private static final String ON_ONE_SIDE = "Degraded|FailedOver|Resyncing|ReadyForFailback|DryRun";

    /** Below every step, and where Grafana has no value: no data never looks green. */
    private static final Thresholds NO_DATA_RED = Thresholds.base("red");

    private static final Thresholds GOOD_AT_ZERO = NO_DATA_RED.then(0, "green").then(1, "red");

    static final String WALL = "vigil-wall";
    static final String REPLICATION_UID = "vigil-replication";
    static final String DISKS = "vigil-disks";
    static final String CAPACITY = "vigil-capacity";
    static final String VMS = "vigil-vms";
    static final String ALERTS = "vigil-alerts-failovers";

    private VigilDashboards() {}

    static List<Dashboard> all() {
        return List.of(wall(), replication(), disks(), capacity(), vms(), alertsAndFailovers());
    }

    /**
     * The code of the pair's state: the worst of split brain (3), a failover under way (2), and
     * anything that leaves the pair on one leg (1): a failover that ran, a disk not UpToDate, a
     * replication not Established, a connection down, a drive failing SMART, a host silent for 30 s.
     */
    static String pairState() {
        return "max by (cluster) ("
                + why("split-brain", "3 * max by (cluster) (vigil_drbd_resource_split_brain{" + PAIR + "})")
                + " or "
                + why(
                        "failing-over",
                        "2 * max by (cluster) (vigil_failover_phase{" + PAIR + ", phase=~\"" + UNDER_WAY + "\"})")
                + " or "
                + why(
                        "on-one-side",
                        "max by (cluster) (vigil_failover_phase{" + PAIR + ", phase=~\"" + ON_ONE_SIDE + "\"})")
                + " or "
                + why("disk", "max by (cluster) (1 - vigil_drbd_device_disk_state{" + PAIR + ", state=\"UpToDate\"})")
                + " or "
                + why(
                        "replication",
                        "max by (cluster) (1 - vigil_drbd_peer_device_replication_state{" + PAIR
                                + ", state=\"Established\"})")
                + " or "
                + why(
                        "connection",
                        "max by (cluster) (1 - vigil_drbd_connection_state{" + PAIR + ", state=\"Connected\"})")
                + " or " + why("smart", "max by (cluster) (1 - vigil_disk_smart_passed{" + PAIR + "})")
                + " or "
                + why(
                        "silent",
                        "max by (cluster) (time() - vigil_engine_node_last_heard_timestamp_seconds{" + PAIR
                                + "} > bool 30)")
                + ")";
    }

    /** Each reason apart (a label of its own), so that `or` keeps them all for the max. */
    private static String why(String reason, String expr) {
        return "label_replace(" + expr + ", \"why\", \"" + reason + "\", \"\", \"\")";
    }

    static Dashboard wall() {
        return new Dashboard(
                "wall",
                "Vigil / Wall",
                "Is anything wrong, and where: one 1080p screen for the wall, refreshed every 10 s. Open with ?kiosk.",
                "10s",
                "now-15m",
                true,
                List.of(
                        Panel.stat("Pair")
                                .at(0, 0, 6, 7)
                                .query(pairState(), "{{cluster}}")
                                .words(PAIR_STATE)
                                .thresholds(NO_DATA_RED)
                                .says(
                                        "Each pair in one word: OK; DEGRADED when it runs on one leg (a disk not UpToDate, replication not Established, "
                                                + "a connection down, a drive failing SMART, a host silent for 30 s, a failover that ran); FAILING OVER while a "
                                                + "failover is under way, waits for approval, is held or stuck; SPLIT-BRAIN when DRBD reported one. NO DATA "
                                                + "(red) when neither the agents nor the engine are scraped.")
                                .link("Alerts and failovers", ALERTS),
                        Panel.stat("Failover")
                                .at(6, 0, 10, 7)
                                .query(PHASE.codeOf("vigil_failover_phase", PAIR), "{{cluster}} {{resource}}")
                                .words(PHASE)
                                .thresholds(NO_DATA_RED)
                                .says(
                                        "The phase of each resource's failover, as the engine stands in it: Healthy when none runs; blue while it "
                                                + "acts (MakingRoom, Evacuating, Fencing, Promoting, Starting, FailingBack); orange while the pair runs on "
                                                + "one side (FailedOver, Resyncing); red when a human is needed (Held, Stuck).")
                                .link("Alerts and failovers", ALERTS),
                        Panel.stat("Firing alerts")
                                .at(16, 0, 8, 7)
                                .query(
                                        "sum by (cluster, severity) (vigil_engine_alerts{" + PAIR
                                                + ", state=\"firing\"})",
                                        "{{cluster}} {{severity}}")
                                .thresholds(GOOD_AT_ZERO)
                                .says(
                                        "Alerts the engine holds firing, per pair and severity (every rule counts from 0 for every pair the "
                                                + "engine's config names).")
                                .link("Alerts and failovers", ALERTS),
                        Panel.stat("Hosts: last heard")
                                .at(0, 7, 6, 6)
                                .query(
                                        "clamp_min(time() - max by (cluster, node) (vigil_engine_node_last_heard_timestamp_seconds{"
                                                + HOST + "}), 0)",
                                        "{{node}}")
                                .unit("s")
                                .thresholds(NO_DATA_RED.then(0, "green").then(30, "red"))
                                .says(
                                        "Seconds since the engine last heard each host, however its agent fares: red after 30 s of silence "
                                                + "(agents send a heartbeat every 5 s).")
                                .link("Replication", REPLICATION_UID),
                        Panel.stat("VMs running")
                                .at(6, 7, 6, 6)
                                .query(
                                        "sum by (cluster, node) (vigil_vm_up{" + HOST
                                                + "}) or 0 * sum by (cluster, node) (vigil_host_memory_total_bytes{"
                                                + HOST + "})",
                                        "{{node}}")
                                .thresholds(NO_DATA_RED.then(0, "blue"))
                                .says(
                                        "VMs running on each host (0 for a host whose agent reports and runs none). After a failover the survivor "
                                                + "runs them all.")
                                .link("VMs", VMS),
                        Panel.stat("Drives: SMART")
                                .at(12, 7, 12, 6)
                                .query("vigil_disk_smart_passed{" + HOST + "}", "{{node}} {{device}}")
                                .words(SMART)
                                .thresholds(NO_DATA_RED)
                                .says("Each drive's own SMART verdict: PASSED or FAILED.")
                                .link("Disks", DISKS),
                        Panel.stat("DRBD roles")
                                .at(0, 13, 8, 7)
                                .query(ROLE.codeOf("vigil_drbd_resource_role", HOST), "{{node}} {{resource}}")
                                .words(ROLE)
                                .thresholds(NO_DATA_RED)
                                .says(
                                        "Each resource's DRBD role on each host: one Primary per resource, where its VMs run.")
                                .link("Replication", REPLICATION_UID),
                        Panel.stat("DRBD local disks")
                                .at(8, 13, 8, 7)
                                .query(
                                        DISK.codeOf("vigil_drbd_device_disk_state", HOST),
                                        "{{node}} {{resource}}/{{volume}}")
                                .words(DISK)
                                .thresholds(NO_DATA_RED)
                                .says(
                                        "The state of each host's backing disk under each DRBD volume: UpToDate is good; Diskless or Failed "
                                                + "means the host lost it; Inconsistent while a resync fills it.")
                                .link("Replication", REPLICATION_UID),
                        Panel.stat("DRBD replication")
                                .at(16, 13, 8, 7)
                                .query(
                                        REPLICATION.codeOf("vigil_drbd_peer_device_replication_state", HOST),
                                        "{{node}} {{resource}} to {{peer}}")
                                .words(REPLICATION)
                                .thresholds(NO_DATA_RED)
                                .says(
                                        "Each volume's replication towards the peer: Established is in sync; SyncSource and SyncTarget while a "
                                                + "resync runs; Off when the peers are not connected.")
                                .link("Replication", REPLICATION_UID),
                        Panel.stat("Out of sync")
                                .at(0, 20, 12, 7)
                                .query(
                                        "max by (cluster, resource) (vigil_drbd_peer_device_out_of_sync_bytes{" + HOST
                                                + "})",
                                        "{{resource}}")
                                .unit("bytes")
                                .thresholds(NO_DATA_RED.then(0, "green").then(1, "orange"))
                                .says(
                                        "Bytes each resource has out of sync between its two copies, by DRBD's bitmap: what a resync must still copy.")
                                .link("Replication", REPLICATION_UID),
                        Panel.stat("Volume groups")
                                .at(12, 20, 12, 7)
                                .query(
                                        "1 - vigil_lvm_vg_free_bytes{" + HOST + "} / vigil_lvm_vg_size_bytes{" + HOST
                                                + "}",
                                        "{{node}} {{vg}}")
                                .unit("percentunit")
                                .thresholds(NO_DATA_RED
                                        .then(0, "green")
                                        .then(0.8, "orange")
                                        .then(0.9, "red"))
                                .says("How full each volume group is: orange from 80 %, red from 90 %.")
                                .link("Capacity", CAPACITY)));
    }

    static Dashboard replication() {
        return new Dashboard(
                "replication",
                "Vigil / Replication",
                "DRBD over time: states, out-of-sync bytes, resync progress, rate and estimate, the replication link's round trip.",
                "30s",
                "now-3h",
                false,
                List.of(
                        Panel.stateTimeline("Local disk state")
                                .at(0, 0, 12, 7)
                                .query(
                                        DISK.codeOf("vigil_drbd_device_disk_state", HOST),
                                        "{{node}} {{resource}}/{{volume}}")
                                .words(DISK)
                                .thresholds(NO_DATA_RED)
                                .says(
                                        "Each host's backing disk under each DRBD volume over time (UpToDate, Diskless, Inconsistent...)."),
                        Panel.stateTimeline("Replication state")
                                .at(12, 0, 12, 7)
                                .query(
                                        REPLICATION.codeOf("vigil_drbd_peer_device_replication_state", HOST),
                                        "{{node}} {{resource}} to {{peer}}")
                                .words(REPLICATION)
                                .thresholds(NO_DATA_RED)
                                .says(
                                        "Each volume's replication towards the peer over time (Established, SyncSource, SyncTarget, Off...)."),
                        Panel.stateTimeline("Connection")
                                .at(0, 7, 12, 7)
                                .query(
                                        CONNECTION.codeOf("vigil_drbd_connection_state", HOST),
                                        "{{node}} {{resource}} to {{peer}}")
                                .words(CONNECTION)
                                .thresholds(NO_DATA_RED)
                                .says(
                                        "The state of each resource's connection to the peer over time (Connected, Connecting, StandAlone...)."),
                        Panel.stateTimeline("Role")
                                .at(12, 7, 12, 7)
                                .query(ROLE.codeOf("vigil_drbd_resource_role", HOST), "{{node}} {{resource}}")
                                .words(ROLE)
                                .thresholds(NO_DATA_RED)
                                .says(
                                        "Each resource's DRBD role on each host over time: a failover moves Primary to the survivor and back."),
                        Panel.timeseries("Out-of-sync bytes")
                                .at(0, 14, 12, 8)
                                .query(
                                        "vigil_drbd_peer_device_out_of_sync_bytes{" + HOST + "}",
                                        "{{node}} {{resource}}/{{volume}} to {{peer}}")
                                .unit("bytes")
                                .thresholds(Thresholds.base("green").then(1, "orange"))
                                .says(
                                        "Bytes out of sync with the peer, by DRBD's bitmap: they grow while the peer is away and shrink as a resync copies them."),
                        Panel.timeseries("Resync progress")
                                .at(12, 14, 12, 8)
                                .query(
                                        "vigil_drbd_peer_device_sync_done_ratio{" + HOST + "}",
                                        "{{node}} {{resource}}/{{volume}} to {{peer}}")
                                .unit("percentunit")
                                .thresholds(Thresholds.base("orange").then(1, "green"))
                                .says(
                                        "Progress of each running resync or verify, 0 to 100 %. Only while one runs: no line means no resync."),
                        Panel.timeseries("Resync rate")
                                .at(0, 22, 8, 8)
                                .query(
                                        "vigil_drbd_peer_device_sync_rate_bytes_per_second{" + HOST + "}",
                                        "{{node}} {{resource}}/{{volume}} to {{peer}}")
                                .unit("Bps")
                                .thresholds(Thresholds.base("green"))
                                .says("The running resync's rate as DRBD reports it. Only while a resync runs."),
                        Panel.timeseries("Resync estimated time")
                                .at(8, 22, 8, 8)
                                .query(
                                        "vigil_drbd_peer_device_sync_eta_seconds{" + HOST + "}",
                                        "{{node}} {{resource}}/{{volume}} to {{peer}}")
                                .unit("s")
                                .thresholds(Thresholds.base("green").then(3600, "orange"))
                                .says(
                                        "DRBD's estimate of the time to the end of the running resync; orange above an hour. Only while a resync runs."),
                        Panel.timeseries("Replication link")
                                .at(16, 22, 8, 8)
                                .query(
                                        "vigil_drbd_connection_round_trip_seconds{" + HOST + "}",
                                        "round trip {{node}} to {{peer}} ({{resource}})")
                                .query(
                                        "vigil_drbd_connection_oldest_request_seconds{" + HOST + "}",
                                        "oldest request {{node}} to {{peer}} ({{resource}})")
                                .unit("s")
                                .thresholds(Thresholds.base("green")
                                        .then(0.005, "orange")
                                        .then(1, "red"))
                                .says(
                                        "Round trip on the replication link (three ICMP echoes to the peer's replication address): the floor of "
                                                + "what each synchronous write waits. Oldest request: age of the oldest write in flight to the peer, from "
                                                + "DRBD's debugfs where readable; one that keeps growing means replication is stuck."),
                        Panel.timeseries("Replication traffic")
                                .at(0, 30, 12, 8)
                                .query(
                                        "rate(vigil_drbd_peer_device_sent_bytes_total{" + HOST + "}[$__rate_interval])",
                                        "sent {{node}} {{resource}} to {{peer}}")
                                .query(
                                        "rate(vigil_drbd_peer_device_received_bytes_total{" + HOST
                                                + "}[$__rate_interval])",
                                        "received {{node}} {{resource}} from {{peer}}")
                                .unit("Bps")
                                .thresholds(Thresholds.base("green"))
                                .says(
                                        "Bytes per second sent to and received from the peer: application writes and resync alike."),
                        Panel.timeseries("Requests waiting on the peer")
                                .at(12, 30, 12, 8)
                                .query(
                                        "vigil_drbd_peer_device_pending{" + HOST + "}",
                                        "sent, unanswered {{node}} {{resource}} to {{peer}}")
                                .query(
                                        "vigil_drbd_peer_device_unacked{" + HOST + "}",
                                        "received, unacknowledged {{node}} {{resource}} from {{peer}}")
                                .unit("short")
                                .thresholds(Thresholds.base("green").then(100, "orange"))
                                .says(
                                        "Requests sent to the peer and not answered yet, and received from it and not acknowledged yet: a queue "
                                                + "that stays up means the link or the peer's disk cannot keep up.")));
    }

    static Dashboard disks() {
        String info = " * on (cluster, node, device, type) group_left (model, serial, protocol) vigil_disk_info{" + HOST
                + "}";
        return new Dashboard(
                "disks",
                "Vigil / Disks",
                "Every drive smartctl reads on every host: SMART verdict, sectors, temperature, NVMe wear.",
                "30s",
                "now-24h",
                false,
                List.of(
                        Panel.table("SMART health", "SMART")
                                .at(0, 0, 16, 8)
                                .query("vigil_disk_smart_passed{" + HOST + "}" + info, "")
                                .words(SMART)
                                .thresholds(Thresholds.base("text"))
                                .says(
                                        "Each drive with its model, serial and protocol, and its own SMART verdict: PASSED or FAILED."),
                        Panel.table("smartctl flags raised", "raised")
                                .at(16, 0, 8, 8)
                                .query("vigil_disk_smartctl_flag{" + HOST + "} == 1", "")
                                .thresholds(Thresholds.base("red"))
                                .says(
                                        "smartctl's exit-status bits that are set, per drive (disk-failing, prefail-below-threshold, "
                                                + "error-log-has-errors...). Empty while no drive raises one."),
                        Panel.timeseries("Reallocated sectors")
                                .at(0, 8, 12, 8)
                                .query("vigil_disk_reallocated_sectors{" + HOST + "}", "{{node}} {{device}}")
                                .unit("short")
                                .thresholds(Thresholds.base("green")
                                        .then(1, "orange")
                                        .then(100, "red"))
                                .says(
                                        "Sectors the drive has remapped (ATA attribute 5). A count that climbs is a drive on its way out."),
                        Panel.timeseries("Pending and uncorrectable sectors")
                                .at(12, 8, 12, 8)
                                .query("vigil_disk_pending_sectors{" + HOST + "}", "pending {{node}} {{device}}")
                                .query(
                                        "vigil_disk_offline_uncorrectable_sectors{" + HOST + "}",
                                        "uncorrectable {{node}} {{device}}")
                                .unit("short")
                                .thresholds(Thresholds.base("green").then(1, "red"))
                                .says(
                                        "Sectors waiting to be remapped (ATA 197) and found unreadable offline (ATA 198): any is a warning."),
                        Panel.timeseries("Temperature")
                                .at(0, 16, 8, 8)
                                .query("vigil_disk_temperature_celsius{" + HOST + "}", "{{node}} {{device}}")
                                .unit("celsius")
                                .thresholds(Thresholds.base("green")
                                        .then(50, "orange")
                                        .then(60, "red"))
                                .says("Each drive's temperature: orange from 50 °C, red from 60 °C."),
                        Panel.timeseries("NVMe wear")
                                .at(8, 16, 8, 8)
                                .query("vigil_disk_endurance_used_ratio{" + HOST + "}", "{{node}} {{device}}")
                                .unit("percentunit")
                                .thresholds(Thresholds.base("green")
                                        .then(0.8, "orange")
                                        .then(1, "red"))
                                .says(
                                        "Share of each NVMe drive's rated endurance used (its percentage used); it may pass 100 %."),
                        Panel.timeseries("NVMe warnings and media errors")
                                .at(16, 16, 8, 8)
                                .query(
                                        "vigil_disk_nvme_critical_warning{" + HOST + "}",
                                        "critical warning {{node}} {{device}}")
                                .query("vigil_disk_media_errors{" + HOST + "}", "media errors {{node}} {{device}}")
                                .unit("short")
                                .thresholds(Thresholds.base("green").then(1, "red"))
                                .says(
                                        "NVMe critical warning bits (0 is good) and the media and data integrity errors the drive counts.")));
    }

    static Dashboard capacity() {
        String vgFill = "1 - vigil_lvm_vg_free_bytes{" + HOST + "} / vigil_lvm_vg_size_bytes{" + HOST + "}";
        return new Dashboard(
                "capacity",
                "Vigil / Capacity",
                "Volume groups and thin pools: how full, and where the last six hours' trend takes them in a week.",
                "1m",
                "now-7d",
                false,
                List.of(
                        Panel.timeseries("Volume group fill")
                                .at(0, 0, 12, 8)
                                .query(vgFill, "{{node}} {{vg}}")
                                .unit("percentunit")
                                .thresholds(Thresholds.base("green")
                                        .then(0.8, "orange")
                                        .then(0.9, "red"))
                                .says("How full each volume group is."),
                        Panel.timeseries("Volume group free in a week")
                                .at(12, 0, 12, 8)
                                .query(
                                        "predict_linear(vigil_lvm_vg_free_bytes{" + HOST + "}[6h], 7 * 86400)",
                                        "{{node}} {{vg}}")
                                .unit("bytes")
                                .thresholds(
                                        Thresholds.base("red").then(0, "orange").then(10737418240.0, "green"))
                                .says(
                                        "Free space each volume group will have in 7 days if the last 6 hours' trend goes on (predict_linear): "
                                                + "at or below 0 it fills within the week."),
                        Panel.timeseries("Thin pool fill")
                                .at(0, 8, 12, 8)
                                .query("vigil_lvm_lv_data_used_ratio{" + HOST + "}", "data {{node}} {{vg}}/{{lv}}")
                                .query(
                                        "vigil_lvm_lv_metadata_used_ratio{" + HOST + "}",
                                        "metadata {{node}} {{vg}}/{{lv}}")
                                .unit("percentunit")
                                .thresholds(Thresholds.base("green")
                                        .then(0.8, "orange")
                                        .then(0.9, "red"))
                                .says(
                                        "Data and metadata use of each thin pool (and data of each thin volume). A full thin pool stops every "
                                                + "write to it. Empty where no LV is thin."),
                        Panel.timeseries("Thin pool data in a week")
                                .at(12, 8, 12, 8)
                                .query(
                                        "predict_linear(vigil_lvm_lv_data_used_ratio{" + HOST + "}[6h], 7 * 86400)",
                                        "{{node}} {{vg}}/{{lv}}")
                                .unit("percentunit")
                                .thresholds(Thresholds.base("green")
                                        .then(0.9, "orange")
                                        .then(1, "red"))
                                .says(
                                        "Where each thin LV's data use will be in 7 days if the last 6 hours' trend goes on (predict_linear): "
                                                + "at 100 % it is full. Empty where no LV is thin."),
                        Panel.table("Logical volumes", "size")
                                .at(0, 16, 24, 8)
                                .query(
                                        "vigil_lvm_lv_size_bytes{" + HOST
                                                + "} * on (cluster, node, vg, lv) group_left (pool, resource) vigil_lvm_lv_info{"
                                                + HOST + "}",
                                        "")
                                .unit("bytes")
                                .thresholds(Thresholds.base("text"))
                                .says("Each logical volume with its size, thin pool and the DRBD resource it backs.")));
    }

    static Dashboard vms() {
        String where = "{{vm}} on {{node}}";
        return new Dashboard(
                "vms",
                "Vigil / VMs",
                "Where each VM runs, its state and its memory: a failover moves them to the survivor and home again.",
                "30s",
                "now-3h",
                false,
                List.of(
                        Panel.timeseries("VMs running per host")
                                .at(0, 0, 12, 8)
                                .query("sum by (cluster, node) (vigil_vm_up{" + HOST + "})", "{{node}}")
                                .unit("short")
                                .thresholds(Thresholds.base("green"))
                                .says(
                                        "VMs running on each host over time: a failover moves them all to the survivor, a failback brings them home."),
                        Panel.stateTimeline("Where each VM runs")
                                .at(12, 0, 12, 8)
                                .query("max by (cluster, node, vm) (vigil_vm_up{" + HOST + "})", where)
                                .words(VM_RUNS)
                                .thresholds(Thresholds.base("transparent"))
                                .says("Each VM on each host that knows it: running or not, over time."),
                        Panel.table("VM state", "current")
                                .at(0, 8, 12, 8)
                                .query("vigil_vm_state{" + HOST + "} == 1", "")
                                .thresholds(Thresholds.base("text"))
                                .says(
                                        "Each VM's state on each host, as the hypervisor says it (running, paused, shut-off, missing...): "
                                                + "the state column; current is 1 for the state it is in."),
                        Panel.table("Guest liveness", "current")
                                .at(12, 8, 12, 8)
                                .query("vigil_vm_liveness{" + HOST + "} == 1", "")
                                .thresholds(Thresholds.base("text"))
                                .says(
                                        "Whether each VM's guest answered its agent's ping (alive, not-responding, not-checked): the state "
                                                + "column; current is 1 for the state it is in."),
                        Panel.timeseries("VM memory")
                                .at(0, 16, 12, 8)
                                .query("vigil_vm_memory_bytes{" + HOST + "}", where)
                                .unit("bytes")
                                .thresholds(Thresholds.base("green"))
                                .says(
                                        "Memory each VM has now: the survivor's VMs shrink while a failover makes room for the incoming ones."),
                        Panel.timeseries("Host memory")
                                .at(12, 16, 12, 8)
                                .query("vigil_host_memory_available_bytes{" + HOST + "}", "available {{node}}")
                                .query("vigil_host_memory_total_bytes{" + HOST + "}", "total {{node}}")
                                .unit("bytes")
                                .thresholds(Thresholds.base("red").then(1073741824, "green"))
                                .says("Each host's memory and what is available without swapping: red under 1 GiB.")));
    }

    static Dashboard alertsAndFailovers() {
        String p99 = "histogram_quantile(0.99, sum by (le) (rate(%s_bucket[$__rate_interval])))";
        return new Dashboard(
                "alerts-failovers",
                "Vigil / Alerts and failovers",
                "Firing alerts, the failovers and their phases, actions and results, notifications and receivers, and Vigil's own latency.",
                "30s",
                "now-3h",
                false,
                List.of(
                        Panel.stat("Engine")
                                .at(0, 0, 6, 5)
                                .query("vigil_engine_running", "{{instance}}")
                                .words(RUNNING)
                                .thresholds(NO_DATA_RED)
                                .says(
                                        "Each engine instance: RUNNING while it evaluates, NOT EVALUATING while it starts, rebalances, failed or is stuck."),
                        Panel.stat("Receivers")
                                .at(6, 0, 6, 5)
                                .query("max by (receiver) (vigil_notifier_receiver_up)", "{{receiver}}")
                                .words(RECEIVER)
                                .thresholds(NO_DATA_RED)
                                .says("Each notification receiver: DOWN while its last delivery failed."),
                        Panel.stat("Failovers ended")
                                .at(12, 0, 6, 5)
                                .query(
                                        "sum by (way, outcome) (increase(vigil_failover_sagas_total[$__range]))",
                                        "{{way}} {{outcome}}")
                                .unit("short")
                                .thresholds(NO_DATA_RED.then(0, "blue"))
                                .says(
                                        "Failovers that ended in the time range, by way (live-evacuation, host-lost) and outcome (failed-back, cleared, dry-run)."),
                        Panel.stat("Failover duration")
                                .at(18, 0, 6, 5)
                                .query(
                                        "histogram_quantile(0.5, sum by (le) (increase(vigil_failover_duration_seconds_bucket[$__range])))",
                                        "p50")
                                .query(
                                        "histogram_quantile(0.99, sum by (le) (increase(vigil_failover_duration_seconds_bucket[$__range])))",
                                        "p99")
                                .unit("s")
                                .thresholds(NO_DATA_RED.then(0, "green").then(60, "orange"))
                                .says(
                                        "From a failover's start to FailedOver (its VMs run on the survivor), over the failovers of the time "
                                                + "range. NO DATA when none completed in the range."),
                        Panel.timeseries("Alerts firing")
                                .at(0, 5, 12, 8)
                                .query(
                                        "sum by (cluster, severity) (vigil_engine_alerts{" + PAIR
                                                + ", state=\"firing\"})",
                                        "{{cluster}} {{severity}}")
                                .unit("short")
                                .thresholds(Thresholds.base("green").then(1, "red"))
                                .says("Alerts firing over time, per pair and severity."),
                        Panel.table("Pending and firing now", "alerts")
                                .at(12, 5, 12, 8)
                                .query(
                                        "sum by (cluster, alertname, severity, state) (vigil_engine_alerts{" + PAIR
                                                + ", state=~\"pending|firing\"}) > 0",
                                        "")
                                .thresholds(Thresholds.base("orange"))
                                .says(
                                        "Each alert name the engine holds pending or firing now, per pair, with its severity and how many. Empty while none is."),
                        Panel.stateTimeline("Failover phase")
                                .at(0, 13, 24, 6)
                                .query(PHASE.codeOf("vigil_failover_phase", PAIR), "{{cluster}} {{resource}}")
                                .words(PHASE)
                                .thresholds(NO_DATA_RED)
                                .says(
                                        "Each resource's failover phase over time, as the engine stood in it: Healthy when none runs."),
                        Panel.timeseries("Failover actions")
                                .at(0, 19, 12, 8)
                                .query(
                                        "sum by (type, outcome) (increase(vigil_failover_actions_total[$__rate_interval]))",
                                        "{{type}} {{outcome}}")
                                .unit("short")
                                .bars()
                                .thresholds(Thresholds.base("green"))
                                .says(
                                        "Actions the failover sent to the executors (outcome sent) and how they ended (succeeded, failed, refused, "
                                                + "timed-out), per interval."),
                        Panel.timeseries("Notifications")
                                .at(12, 19, 12, 8)
                                .query(
                                        "sum by (receiver) (rate(vigil_notifier_notifications_total[$__rate_interval]))",
                                        "delivered {{receiver}}")
                                .query(
                                        "sum by (receiver, reason) (rate(vigil_notifier_notifications_failed_total[$__rate_interval]))",
                                        "given up {{receiver}} {{reason}}")
                                .unit("cps")
                                .thresholds(Thresholds.base("green"))
                                .says(
                                        "Notifications delivered, and given up (refused, unreachable), per second, by receiver."),
                        Panel.timeseries("Vigil's own latency (p99)")
                                .at(0, 27, 24, 8)
                                .query(p99.formatted("vigil_engine_event_delay_seconds"), "event to evaluation")
                                .query(p99.formatted("vigil_engine_event_to_alert_seconds"), "event to alert")
                                .query(p99.formatted("vigil_notifier_alert_to_delivery_seconds"), "alert to delivery")
                                .unit("s")
                                .thresholds(Thresholds.base("green")
                                        .then(1, "orange")
                                        .then(5, "red"))
                                .says(
                                        "The 99th percentile of the pipeline's stages: from an event's timestamp to its evaluation, to the "
                                                + "alert's publication, and from the alert to its delivery. A stage with nothing to measure in an "
                                                + "interval (no alert changed) draws no point.")));
    }
}
