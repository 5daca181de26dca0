package io.vigil.sim;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandException;
import io.vigil.collectors.command.CommandResult;
import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdRole;
import io.vigil.events.VmState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * The argv the failover executor runs, answered by the simulated hosts as the real drbdadm, virsh,
 * xl and an ipmitool-worded BMC would: success, refusal (exit status and exact text) and the no-op
 * of "already so", against the pair's state.
 */
class FailoverCommandsOnSimulatorTest {
    private static final String URI = "qemu:///system";

    private final SimulatedPair pair = SimulatedPair.seed();
    private final SimulatedHost a = pair.nodeA();
    private final SimulatedHost b = pair.nodeB();

    private static CommandResult run(SimulatedHost host, String... argv) throws CommandException {
        return host.run(Command.of(argv), Duration.ofSeconds(5));
    }

    private static void assertOk(CommandResult result) {
        assertEquals(0, result.exitCode(), String.join(" ", result.command().argv()) + ": " + result.stderr());
    }

    private static void assertRefused(int exit, String stderr, CommandResult result) {
        assertEquals(exit, result.exitCode(), result.stderr());
        assertEquals(stderr, result.stderr());
    }

    private void openDualPrimaryWindow(String resource, SimulatedHost destination) throws CommandException {
        assertOk(run(a, "drbdadm", "net-options", "--allow-two-primaries=yes", resource));
        assertOk(run(b, "drbdadm", "net-options", "--allow-two-primaries=yes", resource));
        assertOk(run(destination, "drbdadm", "primary", resource));
    }

    // ---- drbdadm -------------------------------------------------------------------------------

    @Test
    void primaryPromotesASecondaryAndIsANoOpWherePrimaryAlready() throws Exception {
        assertOk(run(a, "drbdadm", "primary", "r0"));
        assertEquals(DrbdRole.PRIMARY, a.role("r0"));
        assertOk(run(b, "virsh", "-c", URI, "destroy", "db"));
        assertOk(run(b, "virsh", "destroy", "backup"));
        assertOk(run(b, "drbdadm", "secondary", "r1"));
        assertOk(run(a, "drbdadm", "primary", "r1"));
        assertEquals(List.of("node-a"), pair.primariesOf("r1"));
    }

    @Test
    void primaryIsRefusedWithExit11WhileTheConnectedPeerIsPrimary() throws Exception {
        assertRefused(
                11,
                "r1: State change failed: (-1) Multiple primaries not allowed by config\n"
                        + "Command 'drbdsetup primary r1' terminated with exit code 11\n",
                run(a, "drbdadm", "primary", "r1"));
        assertEquals(List.of("node-b"), pair.primariesOf("r1"));
    }

    @Test
    void primaryIsRefusedWithExit17WithoutUpToDateDataHereOrAtAConnectedPeer() throws Exception {
        assertTrue(pair.inject("disk-fail node-a /dev/sda").applied());
        assertTrue(pair.inject("link-cut").applied());
        assertRefused(
                17,
                "r1: State change failed: (-2) Need access to UpToDate data\n"
                        + "Command 'drbdsetup primary r1' terminated with exit code 17\n",
                run(a, "drbdadm", "primary", "r1"));
        assertEquals(DrbdRole.SECONDARY, a.role("r1"));
    }

    @Test
    void aDisklessHostConnectedToAnUpToDatePeerPromotesAndStaysPrimaryThroughThePeer() throws Exception {
        assertTrue(pair.inject("disk-fail node-b /dev/sda").applied());
        assertEquals(DiskState.DISKLESS, b.disk("r0"));
        openDualPrimaryWindow("r0", b);
        assertEquals(List.of("node-a", "node-b"), pair.primariesOf("r0"));
        assertEquals(DiskState.DISKLESS, b.disk("r0"));
        // and node-b, diskless, keeps r1 Primary with its VMs running on node-a's copy
        assertEquals(DrbdRole.PRIMARY, b.role("r1"));
        assertEquals(VmState.RUNNING, b.vmState("db"));
    }

    @Test
    void secondaryIsRefusedWithExit11WhileARunningVmHoldsTheDeviceAndIsANoOpWhereSecondary() throws Exception {
        assertRefused(
                11,
                "r0: State change failed: (-12) Device is held open by someone\n"
                        + "Command 'drbdsetup secondary r0' terminated with exit code 11\n",
                run(a, "drbdadm", "secondary", "r0"));
        assertEquals(DrbdRole.PRIMARY, a.role("r0"));
        assertOk(run(a, "drbdadm", "secondary", "r1"));
        assertEquals(DrbdRole.SECONDARY, a.role("r1"));
    }

    @Test
    void allowTwoPrimariesSetOnAConnectedResourceHoldsForBothSidesAndCannotBeWithdrawnWhileBothArePrimary()
            throws Exception {
        assertOk(run(a, "drbdadm", "net-options", "--allow-two-primaries=yes", "r0"));
        // DRBD sends the new net options to the connected peer (P_PROTOCOL_UPDATE), which adopts them
        assertTrue(pair.allowsTwoPrimaries("node-a", "r0"));
        assertTrue(pair.allowsTwoPrimaries("node-b", "r0"));
        assertOk(run(b, "drbdadm", "primary", "r0"));
        assertRefused(
                10,
                "r0: Failure: (164) Can not clear allow_two_primaries as long as\nthere a primaries on both sides\n"
                        + "Command 'drbdsetup net-options r0 0 --allow-two-primaries=no' terminated with exit code 10\n",
                run(b, "drbdadm", "net-options", "--allow-two-primaries=no", "r0"));
        assertOk(run(b, "drbdadm", "secondary", "r0"));
        assertOk(run(b, "drbdadm", "net-options", "--allow-two-primaries=no", "r0"));
        assertFalse(pair.allowsTwoPrimaries("node-b", "r0"));
        assertFalse(pair.allowsTwoPrimaries("node-a", "r0"));
        assertEquals(11, run(b, "drbdadm", "primary", "r0").exitCode(), "withdrawn for both sides");
        assertRefused(1, "'r9' not defined in your config (for this host).\n", run(a, "drbdadm", "primary", "r9"));
    }

    @Test
    void aReconnectWithMismatchedAllowTwoPrimariesStaysStandAlone() throws Exception {
        assertTrue(pair.inject("link-cut").applied());
        assertOk(run(a, "drbdadm", "net-options", "--allow-two-primaries=yes", "r0"));
        assertFalse(pair.allowsTwoPrimaries("node-b", "r0"), "no connection carried it over");
        assertTrue(pair.inject("link-restore").applied());
        assertEquals(ConnectionState.STANDALONE, a.connection("r0"), "incompatible allow-two-primaries settings");
        assertEquals(ConnectionState.STANDALONE, b.connection("r0"));
        assertEquals(ConnectionState.CONNECTED, a.connection("r1"), "r1's settings agree");
        assertEquals(ConnectionState.CONNECTED, b.connection("r1"));
    }

    @Test
    void aPowerCycleClearsTheLivePermissionForTwoPrimaries() throws Exception {
        assertOk(run(a, "drbdadm", "net-options", "--allow-two-primaries=yes", "r1"));
        assertOk(run(b, "drbdadm", "net-options", "--allow-two-primaries=yes", "r1"));
        assertOk(run(b, "vigil-sim-bmc", "--host", "node-a", "power", "off"));
        assertFalse(
                pair.allowsTwoPrimaries("node-a", "r1"),
                "the permission was set live, not in the config; it died with the power");
        assertOk(run(b, "vigil-sim-bmc", "--host", "node-a", "power", "on"));
        assertFalse(
                pair.allowsTwoPrimaries("node-a", "r1"), "a boot reads the config, where allow-two-primaries is no");
        // node-b still allows two primaries, node-a does not: DRBD refuses the connection, so node-a
        // never joins node-b's Primary as a second one through it
        assertEquals(ConnectionState.STANDALONE, a.connection("r1"));
        assertEquals(ConnectionState.STANDALONE, b.connection("r1"));
        assertEquals(List.of("node-b"), pair.primariesOf("r1"));
    }

    @Test
    void aHostThatFencesItselfDiesBeforeItHearsTheAnswer() {
        CommandException noAnswer = assertThrows(
                CommandException.class,
                () -> a.run(Command.of("vigil-sim-bmc", "--host", "node-a", "power", "off"), Duration.ofMillis(300)));
        assertTrue(noAnswer.timedOut(), "the caller went down with its host: " + noAnswer.getMessage());
        assertFalse(pair.poweredOn("node-a"));
        assertFalse(a.isUp());
    }

    // ---- virsh ---------------------------------------------------------------------------------

    @Test
    void aLiveMigrationInsideTheDualPrimaryWindowMovesTheGuestWithoutARestart() throws Exception {
        openDualPrimaryWindow("r0", b);
        String before = run(a, "virsh", "dominfo", "mail").stdout();
        CommandResult migrated = run(a, "virsh", "-c", URI, "migrate", "--live", "mail", "qemu+ssh://node-b/system");
        assertOk(migrated);
        assertEquals("\n", migrated.stdout());
        assertEquals(List.of("node-b"), pair.hostsRunning("mail"));
        assertEquals(1, pair.boots("mail"), "migrated, not restarted");
        assertEquals("shut off\n\n", run(a, "virsh", "domstate", "mail").stdout());
        assertEquals(
                "running\n\n", run(b, "virsh", "-c", URI, "domstate", "mail").stdout());
        String after = run(b, "virsh", "dominfo", "mail").stdout();
        for (String label : List.of("UUID:", "Used memory:", "Max memory:")) {
            assertEquals(line(before, label), line(after, label));
        }
        // node-a no longer holds r0 for mail, web still does
        assertEquals(11, run(a, "drbdadm", "secondary", "r0").exitCode());
    }

    private static String line(String text, String label) {
        return text.lines().filter(l -> l.startsWith(label)).findFirst().orElseThrow();
    }

    @Test
    void aLiveMigrationWithoutTheDestinationPrimaryFailsAndLeavesTheGuestWhereItWas() throws Exception {
        assertOk(run(a, "drbdadm", "net-options", "--allow-two-primaries=yes", "r0"));
        assertOk(run(b, "drbdadm", "net-options", "--allow-two-primaries=yes", "r0"));
        CommandResult refused = run(a, "virsh", "-c", URI, "migrate", "--live", "mail", "qemu+ssh://node-b/system");
        assertEquals(1, refused.exitCode());
        assertEquals(
                "error: internal error: QEMU unexpectedly closed the monitor (vm='mail'): qemu-system-x86_64: -blockdev "
                        + "{\"driver\":\"host_device\",\"filename\":\"/dev/drbd0\",\"node-name\":\"libvirt-1-storage\"}: "
                        + "Could not open '/dev/drbd0': Wrong medium type\n",
                refused.stderr());
        assertEquals(List.of("node-a"), pair.hostsRunning("mail"));
        assertEquals(1, pair.boots("mail"));
    }

    @Test
    void aMigrationThatBreaksHalfwayLeavesTheGuestRunningOnItsSourceOnce() throws Exception {
        openDualPrimaryWindow("r0", b);
        assertTrue(pair.inject("migration-fails mail").applied());
        assertRefused(
                1,
                "error: operation failed: job 'migration out' failed: Channel error: Input/output error\n",
                run(a, "virsh", "migrate", "--live", "mail", "qemu+ssh://root@node-b/system"));
        assertEquals(List.of("node-a"), pair.hostsRunning("mail"));
        assertOk(run(a, "virsh", "migrate", "--live", "mail", "qemu+ssh://root@node-b/system"));
        assertEquals(List.of("node-b"), pair.hostsRunning("mail"));
    }

    @Test
    void aMigrationToAHostWithoutTheMemoryOrToAnUnknownHostIsRefused() throws Exception {
        openDualPrimaryWindow("r0", b);
        assertRefused(
                1,
                "error: internal error: QEMU unexpectedly closed the monitor (vm='web'): qemu-system-x86_64: "
                        + "cannot set up guest memory 'pc.ram': Cannot allocate memory\n",
                run(a, "virsh", "migrate", "--live", "web", "qemu+ssh://node-b/system"));
        assertRefused(
                1,
                "error: Cannot recv data: ssh: Could not resolve hostname node-c: Name or service not known: Connection reset by peer\n",
                run(a, "virsh", "migrate", "--live", "web", "qemu+ssh://node-c/system"));
        assertEquals(List.of("node-a"), pair.hostsRunning("web"));
    }

    @Test
    void startIsRefusedWhereTheVmRunsWhereItsResourceIsSecondaryAndWithoutMemory() throws Exception {
        assertRefused(1, "error: Domain is already active\n", run(a, "virsh", "start", "web"));
        CommandResult secondary = run(b, "virsh", "-c", URI, "start", "web");
        assertEquals(1, secondary.exitCode());
        assertTrue(
                secondary
                        .stderr()
                        .startsWith(
                                "error: Failed to start domain 'web'\nerror: internal error: QEMU unexpectedly closed the monitor"),
                secondary.stderr());
        assertTrue(secondary.stderr().endsWith("Could not open '/dev/drbd0': Wrong medium type\n"), secondary.stderr());
        assertRefused(1, "error: failed to get domain 'nope'\n", run(a, "virsh", "start", "nope"));
    }

    @Test
    void shutdownTakesTheGuestsTimeDestroyIsAtOnceAndNeitherAppliesToAStoppedVm() throws Exception {
        CommandResult shutdown = run(a, "virsh", "shutdown", "mail");
        assertOk(shutdown);
        assertEquals("Domain 'mail' is being shutdown\n\n", shutdown.stdout());
        assertEquals("running\n\n", run(a, "virsh", "domstate", "mail").stdout(), "the guest takes its time");
        pair.tick(Duration.ofSeconds(3));
        assertEquals("shut off\n\n", run(a, "virsh", "domstate", "mail").stdout());
        assertRefused(
                1,
                "error: Failed to shutdown domain 'mail'\nerror: Requested operation is not valid: domain is not running\n",
                run(a, "virsh", "shutdown", "mail"));
        assertEquals(
                "Domain 'web' destroyed\n\n", run(a, "virsh", "destroy", "web").stdout());
        assertRefused(
                1,
                "error: Failed to destroy domain 'web'\nerror: Requested operation is not valid: domain is not running\n",
                run(a, "virsh", "destroy", "web"));
        CommandResult started = run(a, "virsh", "start", "web");
        assertEquals("Domain 'web' started\n\n", started.stdout());
        assertEquals(2, pair.boots("web"), "a start after a destroy is a restart");
    }

    @Test
    void setmemBalloonsARunningVmWithinItsMaxAndTheHostsMemory() throws Exception {
        assertOk(run(a, "virsh", "setmem", "web", "4194304", "--live"));
        assertEquals(4_194_304, a.vmMemoryKiB("web"));
        assertRefused(
                1,
                "error: invalid argument: cannot set memory higher than max memory\n",
                run(a, "virsh", "setmem", "web", "8388608", "--live"));
        assertOk(run(b, "virsh", "destroy", "backup")); // 4 GiB more free on node-b: db may grow to its max, no further
        assertOk(run(b, "virsh", "setmem", "db", "6291456", "--live"));
        assertOk(run(a, "virsh", "destroy", "mail"));
        assertRefused(
                1,
                "error: Requested operation is not valid: domain is not running\n",
                run(a, "virsh", "setmem", "mail", "1048576", "--live"));
    }

    @Test
    void setmemConfigSetsTheMemoryAShutOffVmBootsWithAndLeavesARunningOnesBalloonAlone() throws Exception {
        assertOk(run(a, "virsh", "destroy", "mail"));
        CommandResult set = run(a, "virsh", "-c", URI, "setmem", "mail", "2097152", "--config");
        assertOk(set);
        assertEquals("\n", set.stdout());
        assertTrue(
                run(a, "virsh", "dominfo", "mail").stdout().contains("Used memory:    2097152 KiB\n"),
                "a shut-off domain shows its boot memory");
        assertOk(run(a, "virsh", "start", "mail"));
        assertEquals(2_097_152, a.vmMemoryKiB("mail"), "it boots at the memory its configuration says");
        assertOk(run(a, "virsh", "setmem", "mail", "4194304", "--config"));
        assertEquals(2_097_152, a.vmMemoryKiB("mail"), "--config alone changes the next boot, not the running guest");
        assertOk(run(a, "virsh", "destroy", "mail"));
        assertOk(run(a, "virsh", "start", "mail"));
        assertEquals(4_194_304, a.vmMemoryKiB("mail"));
        assertRefused(
                1,
                "error: invalid argument: cannot set memory higher than max memory\n",
                run(a, "virsh", "setmem", "mail", "8388608", "--config"));
        assertRefused(
                1, "error: failed to get domain 'nope'\n", run(a, "virsh", "setmem", "nope", "1048576", "--config"));
    }

    @Test
    void aBalloonLastsOnlyWhileTheGuestRunsTheNextBootIsAtItsConfiguredMemory() throws Exception {
        assertOk(run(a, "virsh", "setmem", "web", "4194304", "--live"));
        assertOk(run(a, "virsh", "destroy", "web"));
        assertTrue(run(a, "virsh", "dominfo", "web").stdout().contains("Used memory:    6291456 KiB\n"));
        assertOk(run(a, "virsh", "start", "web"));
        assertEquals(6_291_456, a.vmMemoryKiB("web"));
    }

    @Test
    void xlCreateWithAMemoryOverrideBootsAtItForThisDomainOnly() throws Exception {
        assertOk(run(a, "xl", "destroy", "mail"));
        assertOk(run(a, "xl", "create", "/etc/xen/mail.cfg", "memory=2048"));
        assertEquals(2_097_152, a.vmMemoryKiB("mail"));
        assertOk(run(a, "xl", "destroy", "mail"));
        assertOk(run(a, "xl", "create", "/etc/xen/mail.cfg"));
        assertEquals(4_194_304, a.vmMemoryKiB("mail"), "the file was not changed: the next create is at its memory");
        assertOk(run(a, "xl", "destroy", "mail"));
        assertRefused(
                1,
                "libxl: error: libxl_mem.c: memory_dynamic_max must be less than or equal to memory_static_max\n",
                run(a, "xl", "create", "/etc/xen/mail.cfg", "memory=8192"));
        assertEquals(VmState.SHUT_OFF, a.vmState("mail"));
    }

    @Test
    void setmemThatWouldOvercommitTheHostIsRefused() throws Exception {
        assertOk(run(a, "virsh", "setmem", "web", "1048576", "--live"));
        assertOk(run(a, "virsh", "destroy", "mail"));
        pair.nodeA().setVmMemory("mail", 4_194_304);
        SimVm web;
        synchronized (pair.lock) {
            web = a.vms.get("web");
            web.maxMemoryKiB = 16_000_000; // a VM allowed more than the host has
        }
        CommandResult refused = run(a, "virsh", "setmem", "web", "16000000", "--live");
        assertEquals(1, refused.exitCode());
        assertTrue(
                refused.stderr().startsWith("error: operation failed: growing web by 14951424 KiB overcommits node-a"),
                refused.stderr());
        assertEquals(1_048_576, a.vmMemoryKiB("web"));
    }

    // ---- a VM runs on one host, fencing makes room for it ------------------------------------------

    @Test
    void aVmNeverRunsOnTwoHostsAFrozenHostMustBeFencedFirst() throws Exception {
        assertTrue(pair.inject("host-down node-a").applied());
        assertOk(run(b, "drbdadm", "primary", "r0")); // node-b lost node-a and takes r0 over
        assertOk(run(b, "virsh", "setmem", "db", "4194304", "--live")); // room for web
        assertOk(run(b, "virsh", "destroy", "backup"));
        CommandResult unfenced = run(b, "virsh", "start", "web");
        assertEquals(1, unfenced.exitCode());
        assertTrue(
                unfenced.stderr().contains("lab invariant: web runs on node-a (frozen, not powered off)"),
                unfenced.stderr());
        assertEquals(List.of("node-a"), pair.hostsRunning("web"));
        assertEquals(1, pair.doubleRunRefusals().size());
        assertThrows(IllegalStateException.class, () -> b.startVm("web"));

        assertOk(run(b, SimBmc.PROGRAM, "--host", "node-a", "power", "off"));
        assertEquals(
                "Chassis Power is off\n",
                run(b, SimBmc.PROGRAM, "--host", "node-a", "power", "status").stdout());
        assertOk(run(b, "virsh", "start", "web"));
        assertEquals(List.of("node-b"), pair.hostsRunning("web"));
        assertEquals(2, pair.boots("web"));
        assertEquals(List.of("node-b"), pair.primariesOf("r0"));
    }

    @Test
    void powerOffIsSeenByThePeerAsALostConnectionAndPowerOnBootsTheHostSecondaryWithItsVmsOff() throws Exception {
        CommandResult off = run(b, SimBmc.PROGRAM, "--host", "node-a", "power", "off");
        assertEquals("Chassis Power Control: Down/Off\n", off.stdout());
        assertFalse(pair.poweredOn("node-a"));
        assertEquals(ConnectionState.CONNECTING, b.connection("r0"));
        String dump = run(b, "drbdsetup", "events2", "--now").stdout();
        assertTrue(
                dump.contains(
                        "exists connection name:r0 peer-node-id:0 conn-name:node-a connection:Connecting role:Unknown"),
                dump);
        assertEquals(List.of(), pair.hostsRunning("web"));
        assertOk(run(b, SimBmc.PROGRAM, "--host", "node-a", "power", "off")); // already off: ipmitool says the same

        assertEquals(
                "Chassis Power Control: Up/On\n",
                run(b, SimBmc.PROGRAM, "--host", "node-a", "power", "on").stdout());
        assertTrue(pair.poweredOn("node-a") && a.isUp());
        assertEquals(DrbdRole.SECONDARY, a.role("r0"));
        assertEquals(VmState.SHUT_OFF, a.vmState("web"));
        assertEquals(
                "Chassis Power is on\n",
                run(a, SimBmc.PROGRAM, "--host", "node-a", "power", "status").stdout());
    }

    @Test
    void aLyingBmcReportsPowerOffDoneButTheHostStaysOnAndItsStatusSaysSo() throws Exception {
        assertTrue(pair.inject("fence-lies node-a").applied());
        assertOk(run(b, SimBmc.PROGRAM, "--host", "node-a", "power", "off"));
        assertEquals(
                "Chassis Power is on\n",
                run(b, SimBmc.PROGRAM, "--host", "node-a", "power", "status").stdout());
        assertTrue(a.isUp());
        assertEquals(List.of("node-a"), pair.hostsRunning("web"));
        assertTrue(pair.inject("fence-honest node-a").applied());
        assertOk(run(b, SimBmc.PROGRAM, "--host", "node-a", "power", "off"));
        assertFalse(pair.poweredOn("node-a"));
    }

    @Test
    void aBrokenBmcFailsPowerOffAndStatusWithIpmitoolsSessionError() throws Exception {
        assertTrue(pair.inject("fence-broken node-a").applied());
        assertRefused(
                1,
                "Error: Unable to establish IPMI v2 / RMCP+ session\n",
                run(b, SimBmc.PROGRAM, "--host", "node-a", "power", "off"));
        assertRefused(
                1,
                "Error: Unable to establish IPMI v2 / RMCP+ session\n",
                run(b, SimBmc.PROGRAM, "--host", "node-a", "power", "status"));
        assertTrue(pair.poweredOn("node-a"));
        assertEquals(
                1, run(b, SimBmc.PROGRAM, "--host", "node-a", "power", "cycle").exitCode(), "only off, on and status");
    }

    // ---- xl --------------------------------------------------------------------------------------

    @Test
    void xlAnswersTheSameActionsWithItsOwnWords() throws Exception {
        assertOk(run(a, "xl", "mem-set", "web", "4096m"));
        assertEquals(4_194_304, a.vmMemoryKiB("web"));
        assertTrue(run(a, "xl", "list", "web").stdout().contains("web "));
        assertRefused(
                1,
                "libxl: error: libxl_mem.c: memory_dynamic_max must be less than or equal to memory_static_max\n",
                run(a, "xl", "mem-set", "web", "8g"));
        assertEquals(
                "Shutting down domain 2\n", run(a, "xl", "shutdown", "mail").stderr());
        pair.tick(Duration.ofSeconds(3));
        assertRefused(1, "mail is an invalid domain identifier (rc=-6)\n", run(a, "xl", "list", "mail"));
        assertOk(run(a, "xl", "create", "/etc/xen/mail.cfg"));
        assertEquals(2, pair.boots("mail"));
        assertEquals(1, run(a, "xl", "create", "/etc/xen/mail.cfg").exitCode());
        assertEquals(1, run(b, "xl", "create", "/etc/xen/web.cfg").exitCode(), "r0 is Secondary on node-b");

        openDualPrimaryWindow("r0", b);
        CommandResult migrated = run(a, "xl", "migrate", "mail", "node-b");
        assertOk(migrated);
        assertTrue(migrated.stderr().endsWith("Migration successful.\n"), migrated.stderr());
        assertEquals(List.of("node-b"), pair.hostsRunning("mail"));
        assertEquals(2, pair.boots("mail"));
        assertOk(run(b, "xl", "destroy", "mail"));
        assertEquals(List.of(), pair.hostsRunning("mail"));
    }

    // ---- slow tools ------------------------------------------------------------------------------

    @Test
    void aSlowToolAnswersLateOrHitsTheCallersTimeout() throws Exception {
        assertTrue(pair.inject("slow-tool node-a 1").applied());
        CommandException late = assertThrows(
                CommandException.class, () -> a.run(Command.of("drbdadm", "primary", "r0"), Duration.ofMillis(200)));
        assertTrue(late.timedOut());
        CommandResult answered = a.run(Command.of("drbdadm", "primary", "r0"), Duration.ofSeconds(5));
        assertEquals(0, answered.exitCode());
        assertTrue(answered.took().toMillis() >= 1000, answered.took().toString());
        assertFalse(pair.inject("slow-tool-off node-a 1").applied(), "undoing the slowness takes no seconds");
        assertTrue(pair.inject("slow-tool-off node-a").applied());
        assertTrue(a.run(Command.of("drbdadm", "primary", "r0"), Duration.ofSeconds(5))
                        .took()
                        .toMillis()
                < 1000);
        assertFalse(pair.inject("slow-tool node-a soon").applied());
    }

    @Test
    void aHostFrozenWhileItsSlowCommandRunsAnswersNothing() throws Exception {
        assertTrue(pair.inject("slow-tool node-a 1").applied());
        Thread[] caller = new Thread[1];
        CompletableFuture<CommandResult> fence = CompletableFuture.supplyAsync(() -> {
            caller[0] = Thread.currentThread();
            try {
                return a.run(Command.of("vigil-sim-bmc", "--host", "node-b", "power", "off"), Duration.ofSeconds(2));
            } catch (CommandException e) {
                throw new IllegalStateException(e);
            }
        });
        // the command is past its start and waiting out its slowness when node-a freezes
        await().atMost(Duration.ofSeconds(5))
                .until(() -> caller[0] != null && caller[0].getState() == Thread.State.TIMED_WAITING);
        assertTrue(pair.inject("host-down node-a").applied());
        ExecutionException failed = assertThrows(ExecutionException.class, fence::get);
        CommandException timedOut =
                assertInstanceOf(CommandException.class, failed.getCause().getCause());
        assertTrue(timedOut.timedOut(), timedOut.getMessage());
        assertTrue(pair.poweredOn("node-b"), "a frozen node-a cut nobody's power");
        assertTrue(b.isUp());
    }
}
