package io.vigil.collectors.executor;

import static io.vigil.collectors.executor.ExecutorFixtures.ALLOW_ALL;
import static io.vigil.collectors.executor.ExecutorFixtures.CLUSTER;
import static io.vigil.collectors.executor.ExecutorFixtures.NODE;
import static io.vigil.collectors.executor.ExecutorFixtures.PEER;
import static io.vigil.collectors.executor.ExecutorFixtures.PEER_FENCE;
import static io.vigil.collectors.executor.ExecutorFixtures.SEAL;
import static io.vigil.collectors.executor.ExecutorFixtures.TOPOLOGY;
import static io.vigil.collectors.executor.ExecutorFixtures.action;
import static io.vigil.collectors.executor.ExecutorFixtures.drbd;
import static io.vigil.collectors.executor.ExecutorFixtures.towardPeer;
import static io.vigil.collectors.executor.ExecutorFixtures.vm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.collectors.LoggedLines;
import io.vigil.collectors.ManualClock;
import io.vigil.collectors.command.Command;
import io.vigil.collectors.executor.RecordingRunner.Reply;
import io.vigil.events.Action;
import io.vigil.events.ActionOutcome;
import io.vigil.events.ActionResult;
import io.vigil.events.ActionSeal;
import io.vigil.events.ActionType;
import io.vigil.events.Body;
import io.vigil.events.Hypervisor;
import io.vigil.service.topology.ClusterTopology;
import io.vigil.service.topology.FenceCommands;
import io.vigil.service.topology.NodeTopology;
import io.vigil.service.topology.Topology;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActionExecutorTest {
    private static final Command DRBD_PRIMARY = Command.of("drbdadm", "primary", "r0");

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(ExecutorFixtures.NOW);
    private final RecordingRunner runner = new RecordingRunner();
    private final List<Body> emitted = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<ActionExecutor> opened = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeJournals() throws IOException {
        for (ActionExecutor executor : opened) {
            executor.close();
        }
    }

    private ActionExecutor executor(AllowList allow, Hypervisor hypervisor) throws IOException {
        return executor(allow, hypervisor, TOPOLOGY);
    }

    private ActionExecutor executor(AllowList allow, Hypervisor hypervisor, Topology topology) throws IOException {
        ActionExecutor executor = new ActionExecutor(
                CLUSTER,
                NODE,
                SEAL,
                ActionJournal.open(dir, clock),
                allow,
                new ActionCommands(hypervisor, "qemu:///system", Path.of("/etc/xen"), topology, CLUSTER),
                new ActionRunner(runner, clock, Duration.ofMinutes(10), 4096, Duration.ofMillis(1)),
                emitted::add,
                registry,
                clock);
        opened.add(executor);
        return executor;
    }

    private ActionExecutor executor() throws IOException {
        return executor(ALLOW_ALL, Hypervisor.LIBVIRT);
    }

    private ActionResult handle(ActionExecutor executor, Action action) throws InterruptedException {
        return executor.handle(NODE, SEAL.seal(action)).orElseThrow();
    }

    private static void assertRefused(ActionResult result, String id, RefusalReason reason) {
        assertEquals(id, result.actionId());
        assertEquals(ActionOutcome.REFUSED, result.outcome(), result.output());
        assertTrue(result.output().startsWith("refused (" + reason.word() + "): "), result.output());
    }

    private double refusedCount(RefusalReason reason) {
        return Search.in(registry).name("vigil.agent.actions.refused").tag("reason", reason.word()).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    @Test
    void runsAnAllowedActionWithTheTimeLeftAndPublishesItsResult() throws Exception {
        ActionResult result = handle(executor(), drbd("a1", ActionType.DRBD_PRIMARY));

        assertEquals(new ActionResult("a1", ActionOutcome.SUCCEEDED, Optional.of(0), "", 0), result);
        assertEquals(List.of(DRBD_PRIMARY), runner.ran);
        assertEquals(List.of(Duration.ofMinutes(2)), runner.timeouts, "timeout = min(deadline - now, max)");
        assertEquals(List.of(result), emitted);
        assertEquals(
                1.0,
                registry.get("vigil.agent.actions")
                        .tag("type", "drbd-primary")
                        .tag("outcome", "succeeded")
                        .counter()
                        .count());
    }

    /** drbdsetup events2 --now as DRBD 9 prints it (the lines of drbd-utils' own test, for r0). */
    private static String stateOfR0(String disk) {
        return "exists resource name:r0 role:Secondary suspended:no force-io-failures:no may_promote:yes promotion_score:10101\n"
                + "exists device name:r0 volume:0 minor:1000 backing_dev:/dev/sda disk:" + disk
                + " client:no open:no quorum:yes\n"
                + "exists -\n";
    }

    @Test
    void aPromotionOfADiskThatIsNotUpToDateHereIsNotRunThoughTheEngineAskedForIt() throws Exception {
        runner.answer(Command.of("drbdsetup", "events2", "--now"), RecordingRunner.Reply.ok(stateOfR0("Diskless")));
        ActionResult result = handle(executor(), drbd("a1", ActionType.DRBD_PRIMARY));
        assertEquals(ActionOutcome.FAILED, result.outcome(), result.output());
        assertTrue(result.output().contains("volume 0 here is Diskless, not UpToDate: not promoted"), result.output());
        assertEquals(List.of(), runner.ran, "drbdadm primary never ran");
    }

    @Test
    void aPromotionWhoseDiskIsUpToDateHereRuns() throws Exception {
        runner.answer(Command.of("drbdsetup", "events2", "--now"), RecordingRunner.Reply.ok(stateOfR0("UpToDate")));
        assertEquals(
                ActionOutcome.SUCCEEDED,
                handle(executor(), drbd("a1", ActionType.DRBD_PRIMARY)).outcome());
        assertEquals(List.of(DRBD_PRIMARY), runner.ran);
    }

    /** A state that cannot be read (no events2, or garbled) leaves the decision to DRBD's own refusal (exit 17). */
    @Test
    void aPromotionWhoseStateCannotBeReadIsLeftToDrbdsOwnRefusal() throws Exception {
        ActionExecutor executor = executor();
        runner.answer(
                Command.of("drbdsetup", "events2", "--now"),
                RecordingRunner.Reply.ok("\u0000garbled \uFFFD exists device name:r0 disk\n"));
        assertEquals(
                ActionOutcome.SUCCEEDED,
                handle(executor, drbd("a1", ActionType.DRBD_PRIMARY)).outcome());
        runner.answer(
                Command.of("drbdsetup", "events2", "--now"),
                RecordingRunner.Reply.fails(20, "drbdsetup: unknown command events2\n"));
        assertEquals(
                ActionOutcome.SUCCEEDED,
                handle(executor, drbd("a2", ActionType.DRBD_PRIMARY)).outcome());
        assertEquals(List.of(DRBD_PRIMARY, DRBD_PRIMARY), runner.ran);
    }

    @Test
    void anActionSealedWithAnotherKeyIsRefusedUnderAnUnsealedIdAndNotRun() throws Exception {
        ActionSeal wrongKey = ActionSeal.ofKeyText("not-the-key-the-engine-and-agents-share");
        ActionResult result = executor()
                .handle(NODE, wrongKey.seal(drbd("a1", ActionType.DRBD_PRIMARY)))
                .orElseThrow();

        assertRefused(result, "unsealed:a1", RefusalReason.SEAL);
        assertTrue(result.output().contains("does not match"), result.output());
        assertEquals(List.of(), runner.ran);
        assertEquals(1.0, refusedCount(RefusalReason.SEAL));
    }

    @Test
    void aForgedMacIsRefused() throws Exception {
        String sealed = new String(SEAL.seal(drbd("a1", ActionType.DRBD_PRIMARY)), StandardCharsets.UTF_8);
        String forged = sealed.replaceAll("\"hmac\":\"[0-9a-f]+\"", "\"hmac\":\"" + "ab".repeat(32) + "\"");
        assertRefused(
                executor().handle(NODE, forged.getBytes(StandardCharsets.UTF_8)).orElseThrow(),
                "unsealed:a1",
                RefusalReason.SEAL);
        assertEquals(List.of(), runner.ran);
    }

    @Test
    void anActionWhoseTextWasAlteredAfterSealingIsRefused() throws Exception {
        String sealed = new String(SEAL.seal(drbd("a1", ActionType.DRBD_SECONDARY)), StandardCharsets.UTF_8);
        String altered = sealed.replace("drbd-secondary", "drbd-primary");
        assertTrue(!altered.equals(sealed));
        assertRefused(
                executor()
                        .handle(NODE, altered.getBytes(StandardCharsets.UTF_8))
                        .orElseThrow(),
                "unsealed:a1",
                RefusalReason.SEAL);
        assertEquals(List.of(), runner.ran);
    }

    @Test
    void aForgedRecordCannotFailTheRealActionOfTheIdItClaims() throws Exception {
        ActionExecutor executor = executor();
        ActionSeal forger = ActionSeal.ofKeyText("not-the-key-the-engine-and-agents-share");
        ActionResult forged = executor.handle(
                        NODE, forger.seal(drbd("pair-1:r0:1:promote:1", ActionType.DRBD_SECONDARY)))
                .orElseThrow();
        ActionResult real = handle(executor, drbd("pair-1:r0:1:promote:1", ActionType.DRBD_PRIMARY));

        assertRefused(forged, "unsealed:pair-1:r0:1:promote:1", RefusalReason.SEAL);
        assertEquals(ActionOutcome.SUCCEEDED, real.outcome(), real.output());
        assertTrue(
                emitted.stream()
                        .noneMatch(b -> b instanceof ActionResult r
                                && r.actionId().equals("pair-1:r0:1:promote:1")
                                && r.outcome() == ActionOutcome.REFUSED),
                "no refusal under the real id: " + emitted);
        assertEquals(List.of(DRBD_PRIMARY), runner.ran);
    }

    @Test
    void aForgedRecordWhoseClaimedIdIsTooLongToPrefixIsCountedAndLoggedButHasNoResult() throws Exception {
        String longId = "a" + "1".repeat(127);
        ActionSeal forger = ActionSeal.ofKeyText("not-the-key-the-engine-and-agents-share");
        try (LoggedLines lines = LoggedLines.of(RefusalLog.class)) {
            assertEquals(Optional.empty(), executor().handle(NODE, forger.seal(drbd(longId, ActionType.DRBD_PRIMARY))));
            assertEquals(1, lines.lines().size(), lines.lines().toString());
        }
        assertEquals(List.of(), emitted);
        assertEquals(1.0, refusedCount(RefusalReason.SEAL));
        assertEquals(List.of(), runner.ran);
    }

    @Test
    void aRecordWithNotEvenAnIdIsCountedAndLoggedButHasNoResult() throws Exception {
        try (LoggedLines lines = LoggedLines.of(RefusalLog.class)) {
            assertEquals(Optional.empty(), executor().handle(NODE, "{\"v\":1,\"act".getBytes(StandardCharsets.UTF_8)));
            assertEquals(1, lines.lines().size(), lines.lines().toString());
        }
        assertEquals(List.of(), emitted);
        assertEquals(1.0, refusedCount(RefusalReason.UNREADABLE));
    }

    @Test
    void aFloodOfRefusalsIsLoggedOnceAMinuteAndCountedInFull() throws Exception {
        ActionExecutor executor = executor();
        ActionSeal wrongKey = ActionSeal.ofKeyText("not-the-key-the-engine-and-agents-share");
        try (LoggedLines lines = LoggedLines.of(RefusalLog.class)) {
            for (int i = 0; i < 50; i++) {
                executor.handle(NODE, wrongKey.seal(drbd("forged-" + i, ActionType.DRBD_PRIMARY)));
            }
            clock.advance(RefusalLog.INTERVAL);
            executor.handle(NODE, wrongKey.seal(drbd("forged-50", ActionType.DRBD_PRIMARY)));
            List<String> logged = lines.lines();
            assertEquals(2, logged.size(), logged.toString());
            assertTrue(logged.get(0).startsWith("action unsealed:forged-0 for node-b refused (seal): "), logged.get(0));
            assertTrue(logged.get(1).contains("forged-50") && logged.get(1).contains("49 more refused"), logged.get(1));
        }
        assertEquals(51.0, refusedCount(RefusalReason.SEAL));
        assertEquals(51, emitted.size(), "each refused record still gets its result");
    }

    @Test
    void aStaleActionIsRefusedNotRun() throws Exception {
        ActionExecutor executor = executor();
        clock.advance(Duration.ofMinutes(2));
        ActionResult result = handle(executor, drbd("a1", ActionType.DRBD_PRIMARY));
        assertRefused(result, "a1", RefusalReason.STALE);
        assertEquals(List.of(), runner.ran);
    }

    @Test
    void anActionDueLaterThanTheJournalCouldRememberItIsRefusedNotRun() throws Exception {
        // its id would be forgotten (ActionJournal.KEEP) before its deadline: a replay then would run it again
        Action farOff = new Action(
                "a1",
                "pair-1:r0:1",
                CLUSTER,
                NODE,
                ActionType.DRBD_PRIMARY,
                Optional.of("r0"),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                clock.instant(),
                clock.instant().plus(ActionJournal.KEEP.dividedBy(2)).plusSeconds(60));
        ActionResult result = handle(executor(), farOff);
        assertRefused(result, "a1", RefusalReason.OUT_OF_WINDOW);
        assertTrue(result.output().contains("deadline"), result.output());
        assertEquals(List.of(), runner.ran);
    }

    @Test
    void anActionIssuedInTheAgentsFutureIsRefusedNotRunAndOneAFewMinutesAheadRuns() throws Exception {
        ActionExecutor executor = executor();
        Action ahead = new Action(
                "a1",
                "pair-1:r0:1",
                CLUSTER,
                NODE,
                ActionType.DRBD_PRIMARY,
                Optional.of("r0"),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                clock.instant().plus(Duration.ofMinutes(6)),
                clock.instant().plus(Duration.ofMinutes(8)));
        ActionResult result = handle(executor, ahead);
        assertRefused(result, "a1", RefusalReason.OUT_OF_WINDOW);
        assertTrue(result.output().contains("clock"), result.output());
        assertEquals(List.of(), runner.ran);

        Action skewed = new Action(
                "a2",
                "pair-1:r0:1",
                CLUSTER,
                NODE,
                ActionType.DRBD_PRIMARY,
                Optional.of("r0"),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                clock.instant().plus(Duration.ofMinutes(4)),
                clock.instant().plus(Duration.ofMinutes(6)));
        assertEquals(ActionOutcome.SUCCEEDED, handle(executor, skewed).outcome());
    }

    @Test
    void anIdSeenBeforeIsNotRunAgainAndItsResultIsPublishedAgain() throws Exception {
        ActionExecutor executor = executor();
        runner.answer(DRBD_PRIMARY, Reply.ok("promoted"));
        ActionResult first = handle(executor, drbd("a1", ActionType.DRBD_PRIMARY));
        ActionResult again = handle(executor, drbd("a1", ActionType.DRBD_PRIMARY));

        assertEquals(first, again);
        assertEquals(List.of(first, first), emitted);
        assertEquals(1, runner.ran.size(), "run once: " + runner.ran);
    }

    private double endedCount(String outcome) {
        return Search.in(registry).name("vigil.agent.actions").tag("outcome", outcome).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    @Test
    void aResultPublishedAgainIsCountedOnce() throws Exception {
        ActionExecutor executor = executor();
        handle(executor, drbd("a1", ActionType.DRBD_PRIMARY));
        handle(executor, drbd("a1", ActionType.DRBD_PRIMARY));
        clock.advance(Duration.ofMinutes(5));
        handle(executor, drbd("a1", ActionType.DRBD_PRIMARY));
        assertEquals(1.0, endedCount("succeeded"));

        Action stale = new Action(
                "t",
                "pair-1:r0:1",
                CLUSTER,
                NODE,
                ActionType.DRBD_SECONDARY,
                Optional.of("r0"),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                ExecutorFixtures.NOW,
                ExecutorFixtures.NOW.plusSeconds(1));
        handle(executor, stale);
        handle(executor, stale);
        assertEquals(1.0, endedCount("refused"));
    }

    @Test
    void anActionTheJournalCouldNotRecordIsReportedFailedOnceAndTheSameAgainOnRedelivery() throws Exception {
        ActionExecutor executor = executor();
        opened.remove(0).close(); // the journal's file is closed: it cannot record anything
        ActionResult first = handle(executor, drbd("a1", ActionType.DRBD_PRIMARY));
        ActionResult again = handle(executor, drbd("a1", ActionType.DRBD_PRIMARY));

        assertEquals(ActionOutcome.FAILED, first.outcome());
        assertTrue(first.output().startsWith("not run: the executor's journal cannot record it"), first.output());
        assertEquals(first, again, "the same answer, not 'the agent stopped while running it'");
        assertEquals(List.of(), runner.ran);
        assertEquals(1.0, endedCount("failed"), "counted once");
    }

    @Test
    void anIdSeenBeforeARestartIsNotRunAgainEvenPastItsDeadline() throws Exception {
        ActionResult first = handle(executor(), drbd("a1", ActionType.DRBD_PRIMARY));
        opened.remove(0).close();

        ActionExecutor restarted = executor();
        clock.advance(Duration.ofHours(1));
        assertEquals(first, handle(restarted, drbd("a1", ActionType.DRBD_PRIMARY)));
        assertEquals(1, runner.ran.size(), "run once: " + runner.ran);
    }

    @Test
    void anActionTheAgentDiedWhileRunningIsReportedFailedAndNotRunAgain() throws Exception {
        try (ActionJournal journal = ActionJournal.open(dir, clock)) {
            journal.started("a1");
        }
        ActionResult result = handle(executor(), drbd("a1", ActionType.DRBD_PRIMARY));

        assertEquals(
                new ActionResult("a1", ActionOutcome.FAILED, Optional.empty(), ActionExecutor.DIED_WHILE_RUNNING, 0),
                result);
        assertEquals(List.of(), runner.ran);
        opened.remove(0).close();
        assertEquals(
                result,
                handle(executor(), drbd("a1", ActionType.DRBD_PRIMARY)),
                "the same answer on the next redelivery");
        assertEquals(List.of(), runner.ran);
    }

    @Test
    void anActionOffTheAllowListIsRefused() throws Exception {
        ActionExecutor executor = executor(
                new AllowList(EnumSet.of(ActionType.DRBD_PRIMARY, ActionType.VM_DESTROY), Set.of("r0"), Set.of("web")),
                Hypervisor.LIBVIRT);
        assertRefused(handle(executor, drbd("t", ActionType.DRBD_SECONDARY)), "t", RefusalReason.NOT_ALLOWED);
        assertRefused(
                handle(
                        executor,
                        action(
                                "r",
                                ActionType.DRBD_PRIMARY,
                                Optional.of("r1"),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty())),
                "r",
                RefusalReason.NOT_ALLOWED);
        assertRefused(
                handle(
                        executor,
                        action(
                                "v",
                                ActionType.VM_DESTROY,
                                Optional.empty(),
                                Optional.of("db"),
                                Optional.empty(),
                                Optional.empty())),
                "v",
                RefusalReason.NOT_ALLOWED);
        assertEquals(List.of(), runner.ran);
    }

    @Test
    void theDefaultEmptyAllowListRunsNothing() throws Exception {
        assertRefused(
                handle(executor(AllowList.NOTHING, Hypervisor.LIBVIRT), drbd("a1", ActionType.DRBD_SECONDARY)),
                "a1",
                RefusalReason.NOT_ALLOWED);
        assertEquals(List.of(), runner.ran);
    }

    @Test
    void recordsForAnotherNodeAreSkippedSilentlyAndAnActionNamingAnotherNodeIsRefused() throws Exception {
        ActionExecutor executor = executor();
        Action forPeer = new Action(
                "p1",
                "s",
                CLUSTER,
                PEER,
                ActionType.DRBD_PRIMARY,
                Optional.of("r0"),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                clock.instant(),
                clock.instant().plusSeconds(60));
        assertEquals(Optional.empty(), executor.handle(PEER, SEAL.seal(forPeer)));
        assertEquals(List.of(), emitted);

        assertRefused(executor.handle(NODE, SEAL.seal(forPeer)).orElseThrow(), "p1", RefusalReason.MISADDRESSED);
        assertEquals(List.of(), runner.ran);
    }

    @Test
    void anActionForTheSameNodeNameInAnotherClusterIsSkippedSilently() throws Exception {
        ActionExecutor executor = executor();
        Action otherCluster = new Action(
                "c1",
                "s",
                "pair-2",
                NODE,
                ActionType.DRBD_PRIMARY,
                Optional.of("r0"),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                clock.instant(),
                clock.instant().plusSeconds(60));
        try (LoggedLines lines = LoggedLines.of(ActionExecutor.class, RefusalLog.class)) {
            assertEquals(Optional.empty(), executor.handle(NODE, SEAL.seal(otherCluster)));
            assertEquals(List.of(), lines.lines(), "not an operator's business");
        }
        assertEquals(List.of(), emitted, "no result: pair-2's own " + NODE + " answers it");
        assertEquals(List.of(), runner.ran);
        assertEquals(0.0, refusedCount(RefusalReason.MISADDRESSED));
        assertEquals(
                ActionOutcome.SUCCEEDED,
                handle(executor, drbd("c1", ActionType.DRBD_PRIMARY)).outcome(),
                "its id not journaled");
    }

    @Test
    void drbdPrimaryWithoutGoodDataIsAFinalFailureWithExit17RunOnce() throws Exception {
        // drbd-utils user/v9/drbdsetup.c: SS_NO_UP_TO_DATE_DISK -> exit 17
        runner.answer(DRBD_PRIMARY, Reply.fails(17, "r0: State change failed: (-2) Need access to UpToDate data\n"));
        ActionResult result = handle(executor(), drbd("a1", ActionType.DRBD_PRIMARY));

        assertEquals(ActionOutcome.FAILED, result.outcome());
        assertEquals(Optional.of(17), result.exitCode());
        assertTrue(result.output().contains("Need access to UpToDate data"), result.output());
        assertEquals(1, runner.ran.size());
    }

    @Test
    void aVmAlreadyInTheWantedStateCountsAsDone() throws Exception {
        ActionExecutor executor = executor();
        runner.answer(
                Command.of("virsh", "-c", "qemu:///system", "start", "web"),
                Reply.fails(1, "error: Domain is already active\n"));
        runner.answer(
                Command.of("virsh", "-c", "qemu:///system", "destroy", "web"),
                Reply.fails(
                        1,
                        "error: Failed to destroy domain 'web'\nerror: Requested operation is not valid: domain is not running\n"));
        assertEquals(
                ActionOutcome.SUCCEEDED,
                handle(executor, vm("start", ActionType.VM_START)).outcome());
        assertEquals(
                ActionOutcome.SUCCEEDED,
                handle(executor, vm("destroy", ActionType.VM_DESTROY)).outcome());

        runner.answer(
                Command.of("virsh", "-c", "qemu:///system", "start", "web"),
                Reply.fails(
                        1,
                        "error: Failed to start domain 'web'\nerror: internal error: process exited while connecting to monitor\n"));
        assertEquals(
                ActionOutcome.FAILED,
                handle(executor, vm("start-2", ActionType.VM_START)).outcome(),
                "any other failure stays one");
    }

    @Test
    void aXenVmAlreadyRunningIsNotCreatedAgain() throws Exception {
        runner.answer(
                Command.of("xl", "list", "web"),
                Reply.ok("Name  ID   Mem VCPUs State Time(s)\nweb    3  4096     2 -b---- 12.0\n"));
        ActionResult result = handle(executor(ALLOW_ALL, Hypervisor.XEN), vm("start", ActionType.VM_START));
        assertEquals(ActionOutcome.SUCCEEDED, result.outcome());
        assertEquals(List.of(List.of("xl", "list", "web")), runner.argvs());
    }

    private static final Command WEB_DOMINFO = Command.of("virsh", "-c", "qemu:///system", "dominfo", "web");

    /** virsh dominfo of a shut-off (or running) domain as virsh 9 prints it; Used memory of a shut-off one is its boot memory. */
    private static String dominfo(String state, long usedKiB) {
        return "Id:             -\nName:           web\nUUID:           6c2a8f4e-1b7d-4e0a-9f3c-2d5b8a7e9c10\nOS Type:        hvm\n"
                + "State:          " + state + "\nCPU(s):         2\nMax memory:     4194304 KiB\nUsed memory:    "
                + usedKiB + " KiB\n"
                + "Persistent:     yes\nAutostart:      disable\n\n";
    }

    private static Action coldStart(String id, long bytes) {
        return action(
                id, ActionType.VM_START, Optional.empty(), Optional.of("web"), Optional.empty(), Optional.of(bytes));
    }

    @Test
    void aColdStartWithMemoryBootsTheVmAtThatSizeThenPutsItsConfiguredMemoryBack() throws Exception {
        runner.answer(WEB_DOMINFO, Reply.ok(dominfo("shut off", 4194304)));
        ActionResult result = handle(executor(), coldStart("start", 2L << 30));
        assertEquals(ActionOutcome.SUCCEEDED, result.outcome(), result.output());
        assertEquals(
                List.of(
                        WEB_DOMINFO.argv(),
                        List.of("virsh", "-c", "qemu:///system", "setmem", "web", "2097152", "--config"),
                        List.of("virsh", "-c", "qemu:///system", "start", "web"),
                        List.of("virsh", "-c", "qemu:///system", "setmem", "web", "4194304", "--config")),
                runner.argvs(),
                "the boot memory is this boot's only: the next cold boot is at the configured size again");
    }

    @Test
    void aColdStartThatFailsStillPutsTheConfiguredMemoryBack() throws Exception {
        runner.answer(WEB_DOMINFO, Reply.ok(dominfo("shut off", 4194304)));
        runner.answer(
                Command.of("virsh", "-c", "qemu:///system", "start", "web"),
                Reply.fails(
                        1,
                        "error: Failed to start domain 'web'\nerror: internal error: process exited while connecting to monitor\n"));
        ActionResult result = handle(executor(), coldStart("start", 2L << 30));
        assertEquals(ActionOutcome.FAILED, result.outcome());
        assertEquals(
                List.of("virsh", "-c", "qemu:///system", "setmem", "web", "4194304", "--config"),
                runner.argvs().get(3));
    }

    @Test
    void aColdStartOfAVmAlreadyRunningChangesNothing() throws Exception {
        runner.answer(WEB_DOMINFO, Reply.ok(dominfo("running", 2097152)));
        ActionResult result = handle(executor(), coldStart("start", 2L << 30));
        assertEquals(ActionOutcome.SUCCEEDED, result.outcome());
        assertEquals(
                List.of(WEB_DOMINFO.argv()), runner.argvs(), "neither its configuration nor the running VM is touched");
    }

    @Test
    void aColdStartWhoseBootMemoryCannotBeSetStartsNothing() throws Exception {
        runner.answer(WEB_DOMINFO, Reply.ok(dominfo("shut off", 4194304)));
        runner.answer(
                Command.of("virsh", "-c", "qemu:///system", "setmem", "web", "8388608", "--config"),
                Reply.fails(1, "error: invalid argument: cannot set memory higher than max memory\n"));
        ActionResult result = handle(executor(), coldStart("start", 8L << 30));
        assertEquals(ActionOutcome.FAILED, result.outcome());
        assertTrue(result.output().contains("cannot set memory higher than max memory"), result.output());
        assertEquals(2, runner.ran.size(), "no start, and no restore of what was not changed");
    }

    @Test
    void aXenColdStartWithMemoryOverridesTheConfigFilesMemoryForThisBoot() throws Exception {
        runner.answer(Command.of("xl", "list", "web"), Reply.fails(1, "web is an invalid domain identifier (rc=-6)\n"));
        ActionResult result = handle(executor(ALLOW_ALL, Hypervisor.XEN), coldStart("start", 2L << 30));
        assertEquals(ActionOutcome.SUCCEEDED, result.outcome());
        assertEquals(
                List.of(List.of("xl", "list", "web"), List.of("xl", "create", "/etc/xen/web.cfg", "memory=2048")),
                runner.argvs());
    }

    @Test
    void aMigrationAlreadyDoneCountsAsDoneOnlyWhenTheDestinationRunsTheVm() throws Exception {
        ActionExecutor executor = executor();
        Command migrate =
                Command.of("virsh", "-c", "qemu:///system", "migrate", "--live", "web", "qemu+ssh://node-a/system");
        Command there = Command.of("virsh", "-c", "qemu+ssh://node-a/system", "domstate", "web");
        runner.answer(migrate, Reply.fails(1, "error: failed to get domain 'web'\n"));
        runner.answer(there, Reply.ok("running\n"), Reply.ok("shut off\n"));
        assertEquals(
                ActionOutcome.SUCCEEDED,
                handle(executor, towardPeer("g1", ActionType.VM_MIGRATE_LIVE)).outcome());
        assertEquals(
                ActionOutcome.FAILED,
                handle(executor, towardPeer("g2", ActionType.VM_MIGRATE_LIVE)).outcome());
    }

    @Test
    void aShutdownWaitsUntilTheVmIsOff() throws Exception {
        Command state = Command.of("virsh", "-c", "qemu:///system", "domstate", "web");
        runner.answer(state, Reply.ok("running\n"), Reply.ok("in shutdown\n"), Reply.ok("shut off\n"));
        ActionResult result = handle(executor(), vm("s", ActionType.VM_SHUTDOWN));
        assertEquals(ActionOutcome.SUCCEEDED, result.outcome(), result.output());
        assertEquals(3, runner.ran.stream().filter(state::equals).count());
    }

    @Test
    void aShutdownNotDoneByTheDeadlineTimesOut() throws Exception {
        runner.answer(Command.of("xl", "list", "web"), Reply.ok("web    3  4096     2 -b---- 12.0\n"));
        runner.onRun(() -> clock.advance(Duration.ofSeconds(20)));
        ActionResult result = handle(executor(ALLOW_ALL, Hypervisor.XEN), vm("s", ActionType.VM_SHUTDOWN));
        assertEquals(ActionOutcome.TIMED_OUT, result.outcome(), result.output());
        assertTrue(runner.ran.size() <= 7, "stopped asking at the deadline: " + runner.ran.size());
    }

    @Test
    void aFenceIsConfirmedOnlyWhenTheStatusSaysThePowerIsOff() throws Exception {
        ActionExecutor executor = executor();
        Command status = new Command(PEER_FENCE.status());
        runner.answer(status, Reply.ok("Chassis Power is on\n"), Reply.ok("Chassis Power is off\n"));
        ActionResult on = handle(executor, towardPeer("fs1", ActionType.FENCE_STATUS));
        assertEquals(ActionOutcome.FAILED, on.outcome());
        assertTrue(on.output().contains("Chassis Power is on"), on.output());
        assertEquals(
                ActionOutcome.SUCCEEDED,
                handle(executor, towardPeer("fs2", ActionType.FENCE_STATUS)).outcome());

        assertEquals(
                ActionOutcome.SUCCEEDED,
                handle(executor, towardPeer("f1", ActionType.FENCE)).outcome());
        assertEquals(new Command(PEER_FENCE.powerOff()), runner.ran.get(runner.ran.size() - 1));
        assertEquals(
                Duration.ofSeconds(30), runner.timeouts.get(runner.timeouts.size() - 1), "the fence's own timeout");
    }

    @Test
    void aFencePasswordOnTheCommandLineReachesNeitherTheLogNorTheResult() throws Exception {
        FenceCommands withPassword = new FenceCommands(
                List.of(
                        "ipmitool",
                        "-I",
                        "lanplus",
                        "-H",
                        "10.0.0.11",
                        "-U",
                        "admin",
                        "-P",
                        "s3cret",
                        "chassis",
                        "power",
                        "off"),
                List.of(
                        "ipmitool",
                        "-I",
                        "lanplus",
                        "-H",
                        "10.0.0.11",
                        "-U",
                        "admin",
                        "-P",
                        "s3cret",
                        "chassis",
                        "power",
                        "status"),
                "Chassis Power is off",
                Duration.ofSeconds(30));
        ClusterTopology pair = TOPOLOGY.cluster(CLUSTER).orElseThrow();
        NodeTopology peer = pair.node(PEER).orElseThrow();
        List<NodeTopology> nodes = pair.nodes().stream()
                .map(n -> n.name().equals(PEER)
                        ? new NodeTopology(
                                PEER, peer.reserveBytes(), peer.migrateDestination(), Optional.of(withPassword))
                        : n)
                .toList();
        Topology topology = new Topology(
                Map.of(CLUSTER, new ClusterTopology(CLUSTER, nodes, pair.resources(), pair.vms(), pair.policy())));
        runner.killAfterTimeout(new Command(withPassword.powerOff()));
        runner.answer(new Command(withPassword.status()), Reply.ok("Chassis Power is on\n"));

        ActionExecutor executor = executor(ALLOW_ALL, Hypervisor.LIBVIRT, topology);
        List<String> logged;
        try (LoggedLines lines = LoggedLines.of(ActionExecutor.class, ActionRunner.class, RefusalLog.class)) {
            ActionResult killed = handle(executor, towardPeer("f1", ActionType.FENCE));
            ActionResult status = handle(executor, towardPeer("fs1", ActionType.FENCE_STATUS));
            assertEquals(ActionOutcome.TIMED_OUT, killed.outcome(), killed.output());
            assertTrue(
                    killed.output().contains("ipmitool") && killed.output().contains("killed after"), killed.output());
            assertEquals(ActionOutcome.FAILED, status.outcome(), status.output());
            logged = lines.lines();
        }
        assertEquals(2, runner.ran.size(), "both ran: " + runner.ran);
        assertTrue(
                logged.stream().anyMatch(l -> l.contains("f1 (fence -> node-a on node-b)") && l.contains("ipmitool")),
                "the log names the action and its program: " + logged);
        assertTrue(logged.stream().noneMatch(l -> l.contains("s3cret")), "no password in the log: " + logged);
        assertTrue(
                emitted.stream().noneMatch(b -> b.toString().contains("s3cret")),
                "no password in a result: " + emitted);
    }

    @Test
    void longOutputKeepsItsHeadAndTailAndSaysHowMuchWasCut() throws Exception {
        String noisy = "first line\n" + "x".repeat(10_000) + "\nlast line";
        runner.answer(DRBD_PRIMARY, Reply.fails(10, noisy));
        ActionResult result = handle(executor(), drbd("a1", ActionType.DRBD_PRIMARY));
        assertTrue(
                result.output().getBytes(StandardCharsets.UTF_8).length <= 4096 + 40,
                "capped: " + result.output().length());
        assertTrue(
                result.output().startsWith("first line") && result.output().endsWith("last line"),
                "head and tail kept");
        assertTrue(result.output().contains("bytes cut"), "says so");
    }
}
