package io.vigil.rules.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdResource;
import io.vigil.events.DrbdResource.DrbdConnection;
import io.vigil.events.DrbdResource.DrbdDevice;
import io.vigil.events.DrbdResource.DrbdPeerDevice;
import io.vigil.events.DrbdResource.ReplicationLatency;
import io.vigil.events.DrbdRole;
import io.vigil.events.ReplicationState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** One test per safety rule, each with the case the rule exists for and the case it lets through. */
class PromotionGuardTest {
    private static final Instant NOW = Instant.parse("2026-12-04T03:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);
    private final PromotionGuard guard = new PromotionGuard(Duration.ofSeconds(30));

    /** A node's view of r0 with one volume and one connection to its peer. */
    private static NodeReport report(
            String node,
            String peer,
            DrbdRole role,
            DiskState disk,
            DrbdRole peerRole,
            ConnectionState link,
            ReplicationState replication,
            DiskState peerDisk,
            Optional<Boolean> mayPromote,
            Instant at) {
        DrbdResource drbd = new DrbdResource(
                "r0",
                role,
                false,
                mayPromote,
                Optional.empty(),
                false,
                List.of(new DrbdDevice(0, 0, disk, false, Optional.empty(), Optional.empty())),
                List.of(new DrbdConnection(
                        peer,
                        1,
                        link,
                        peerRole,
                        false,
                        Optional.empty(),
                        Optional.empty(),
                        List.of(),
                        List.of(new DrbdPeerDevice(
                                0,
                                replication,
                                peerDisk,
                                false,
                                false,
                                Optional.of(0L),
                                Optional.of(0L),
                                Optional.of(0L),
                                Optional.of(0L),
                                Optional.of(0L),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty())),
                        ReplicationLatency.UNMEASURED)));
        return new NodeReport(node, 100, at, drbd);
    }

    /** node-b, the survivor, UpToDate and Secondary, connected to a node-a that is Secondary too. */
    private static NodeReport survivor() {
        return report(
                "node-b",
                "node-a",
                DrbdRole.SECONDARY,
                DiskState.UP_TO_DATE,
                DrbdRole.SECONDARY,
                ConnectionState.CONNECTED,
                ReplicationState.ESTABLISHED,
                DiskState.DISKLESS,
                Optional.of(true),
                NOW.minusSeconds(2));
    }

    private static NodeReport demotedPeer() {
        return report(
                "node-a",
                "node-b",
                DrbdRole.SECONDARY,
                DiskState.DISKLESS,
                DrbdRole.SECONDARY,
                ConnectionState.CONNECTED,
                ReplicationState.ESTABLISHED,
                DiskState.UP_TO_DATE,
                Optional.of(false),
                NOW.minusSeconds(1));
    }

    private static PromotionGuard.PromotionRequest promote(
            Optional<NodeReport> candidate, Optional<NodeReport> peer, PeerCannotWrite proof, boolean refusedBefore) {
        return new PromotionGuard.PromotionRequest(
                "pair-1", "r0", "node-b", "node-a", candidate, peer, proof, refusedBefore, NOW);
    }

    private static SafetyRule refusedBy(Verdict verdict) {
        assertFalse(verdict.allowed(), "expected a refusal, got " + verdict);
        return ((Verdict.Refused) verdict).rule();
    }

    @Test
    void theSeedsCaseIsAllowedWithTheEvidenceItRestedOn() {
        Verdict verdict = guard.mayPromote(promote(
                Optional.of(survivor()),
                Optional.of(demotedPeer()),
                new PeerCannotWrite.ConfirmedSecondary(demotedPeer()),
                false));
        assertTrue(verdict.allowed(), verdict.toString());
        assertEquals(
                List.of(
                        "node-b UpToDate on every volume of r0 (node-b seq 100 at 2026-12-04T02:59:58Z)",
                        "node-a Secondary for r0 (node-a seq 100 at 2026-12-04T02:59:59Z)"),
                ((Verdict.Allowed) verdict).evidence());
    }

    @Nested
    class FreshFacts {
        @Test
        void noReportFromTheCandidateIsNoPromotion() {
            assertEquals(
                    SafetyRule.FRESH_FACTS,
                    refusedBy(guard.mayPromote(promote(
                            Optional.empty(),
                            Optional.of(demotedPeer()),
                            new PeerCannotWrite.ConfirmedSecondary(demotedPeer()),
                            false))));
        }

        @Test
        void anOldReportProvesNothingAboutNow() {
            NodeReport old = report(
                    "node-b",
                    "node-a",
                    DrbdRole.SECONDARY,
                    DiskState.UP_TO_DATE,
                    DrbdRole.SECONDARY,
                    ConnectionState.CONNECTED,
                    ReplicationState.ESTABLISHED,
                    DiskState.DISKLESS,
                    Optional.of(true),
                    NOW.minusSeconds(31));
            Verdict verdict = guard.mayPromote(promote(
                    Optional.of(old),
                    Optional.of(demotedPeer()),
                    new PeerCannotWrite.ConfirmedSecondary(demotedPeer()),
                    false));
            assertEquals(SafetyRule.FRESH_FACTS, refusedBy(verdict));
            assertTrue(((Verdict.Refused) verdict).describe().contains("older than PT30S"), verdict.toString());
        }

        @Test
        void anotherNodesReportIsNotTheCandidates() {
            assertEquals(
                    SafetyRule.FRESH_FACTS,
                    refusedBy(guard.mayPromote(promote(
                            Optional.of(demotedPeer()),
                            Optional.of(demotedPeer()),
                            new PeerCannotWrite.ConfirmedSecondary(demotedPeer()),
                            false))));
        }
    }

    @Nested
    class CandidateUpToDate {
        @Test
        void anInconsistentCandidateIsNeverPromoted() {
            NodeReport inconsistent = report(
                    "node-b",
                    "node-a",
                    DrbdRole.SECONDARY,
                    DiskState.INCONSISTENT,
                    DrbdRole.SECONDARY,
                    ConnectionState.CONNECTED,
                    ReplicationState.SYNC_TARGET,
                    DiskState.UP_TO_DATE,
                    Optional.of(true),
                    NOW);
            Verdict verdict = guard.mayPromote(promote(
                    Optional.of(inconsistent),
                    Optional.of(demotedPeer()),
                    new PeerCannotWrite.ConfirmedSecondary(demotedPeer()),
                    false));
            assertEquals(SafetyRule.CANDIDATE_UP_TO_DATE, refusedBy(verdict));
            assertTrue(((Verdict.Refused) verdict).why().contains("volume 0 is Inconsistent"), verdict.toString());
        }

        @Test
        void outdatedAndConsistentAreNotUpToDateEither() {
            for (DiskState disk :
                    List.of(DiskState.OUTDATED, DiskState.CONSISTENT, DiskState.DISKLESS, DiskState.DUNKNOWN)) {
                NodeReport candidate = report(
                        "node-b",
                        "node-a",
                        DrbdRole.SECONDARY,
                        disk,
                        DrbdRole.SECONDARY,
                        ConnectionState.CONNECTED,
                        ReplicationState.ESTABLISHED,
                        DiskState.UP_TO_DATE,
                        Optional.of(true),
                        NOW);
                assertEquals(
                        SafetyRule.CANDIDATE_UP_TO_DATE,
                        refusedBy(guard.mayPromote(promote(
                                Optional.of(candidate),
                                Optional.of(demotedPeer()),
                                new PeerCannotWrite.ConfirmedSecondary(demotedPeer()),
                                false))),
                        disk.wire());
            }
        }
    }

    @Nested
    class DrbdMayPromote {
        @Test
        void mayPromoteNoIsFinal() {
            NodeReport refusing = report(
                    "node-b",
                    "node-a",
                    DrbdRole.SECONDARY,
                    DiskState.UP_TO_DATE,
                    DrbdRole.SECONDARY,
                    ConnectionState.CONNECTED,
                    ReplicationState.ESTABLISHED,
                    DiskState.DISKLESS,
                    Optional.of(false),
                    NOW);
            assertEquals(
                    SafetyRule.DRBD_MAY_PROMOTE,
                    refusedBy(guard.mayPromote(promote(
                            Optional.of(refusing),
                            Optional.of(demotedPeer()),
                            new PeerCannotWrite.ConfirmedSecondary(demotedPeer()),
                            false))));
        }

        @Test
        void drbd8WhichDoesNotSayIsJudgedByTheOtherRules() {
            NodeReport silent = report(
                    "node-b",
                    "node-a",
                    DrbdRole.SECONDARY,
                    DiskState.UP_TO_DATE,
                    DrbdRole.SECONDARY,
                    ConnectionState.CONNECTED,
                    ReplicationState.ESTABLISHED,
                    DiskState.DISKLESS,
                    Optional.empty(),
                    NOW);
            assertTrue(guard.mayPromote(promote(
                            Optional.of(silent),
                            Optional.of(demotedPeer()),
                            new PeerCannotWrite.ConfirmedSecondary(demotedPeer()),
                            false))
                    .allowed());
        }
    }

    @Test
    void aRefusalForLackOfGoodDataIsNotRetried() {
        assertEquals(
                SafetyRule.NO_GOOD_DATA_IS_FINAL,
                refusedBy(guard.mayPromote(promote(
                        Optional.of(survivor()),
                        Optional.of(demotedPeer()),
                        new PeerCannotWrite.ConfirmedSecondary(demotedPeer()),
                        true))));
    }

    @Nested
    class PeerCannotWriteRule {
        @Test
        void silenceAloneNeverProvesAHostDead() {
            Verdict verdict = guard.mayPromote(promote(
                    Optional.of(survivor()),
                    Optional.empty(),
                    new PeerCannotWrite.Unproven("no heartbeat for 40 s, and no fence command configured"),
                    false));
            assertEquals(SafetyRule.PEER_CANNOT_WRITE, refusedBy(verdict));
            assertTrue(((Verdict.Refused) verdict)
                    .why()
                    .endsWith("no heartbeat for 40 s, and no fence command configured"));
        }

        @Test
        void aSecondaryReportThatIsOldOrPrimaryIsNoProof() {
            NodeReport oldSecondary = report(
                    "node-a",
                    "node-b",
                    DrbdRole.SECONDARY,
                    DiskState.DISKLESS,
                    DrbdRole.SECONDARY,
                    ConnectionState.CONNECTED,
                    ReplicationState.ESTABLISHED,
                    DiskState.UP_TO_DATE,
                    Optional.of(false),
                    NOW.minusSeconds(60));
            assertEquals(
                    SafetyRule.PEER_CANNOT_WRITE,
                    refusedBy(guard.mayPromote(promote(
                            Optional.of(survivor()),
                            Optional.empty(),
                            new PeerCannotWrite.ConfirmedSecondary(oldSecondary),
                            false))));
            NodeReport primary = report(
                    "node-a",
                    "node-b",
                    DrbdRole.PRIMARY,
                    DiskState.DISKLESS,
                    DrbdRole.SECONDARY,
                    ConnectionState.CONNECTED,
                    ReplicationState.ESTABLISHED,
                    DiskState.UP_TO_DATE,
                    Optional.of(false),
                    NOW);
            assertEquals(
                    SafetyRule.PEER_CANNOT_WRITE,
                    refusedBy(guard.mayPromote(promote(
                            Optional.of(survivor()),
                            Optional.empty(),
                            new PeerCannotWrite.ConfirmedSecondary(primary),
                            false))));
        }

        @Test
        void confirmedPowerOffProvesIt() {
            NodeReport alone = report(
                    "node-b",
                    "node-a",
                    DrbdRole.SECONDARY,
                    DiskState.UP_TO_DATE,
                    DrbdRole.UNKNOWN,
                    ConnectionState.CONNECTING,
                    ReplicationState.OFF,
                    DiskState.DUNKNOWN,
                    Optional.of(true),
                    NOW);
            // the last report from node-a, before it froze, said Primary: the power is off now
            NodeReport lastWord = report(
                    "node-a",
                    "node-b",
                    DrbdRole.PRIMARY,
                    DiskState.UP_TO_DATE,
                    DrbdRole.SECONDARY,
                    ConnectionState.CONNECTED,
                    ReplicationState.ESTABLISHED,
                    DiskState.UP_TO_DATE,
                    Optional.of(false),
                    NOW.minusSeconds(20));
            Verdict verdict = guard.mayPromote(promote(
                    Optional.of(alone),
                    Optional.of(lastWord),
                    new PeerCannotWrite.PowerConfirmedOff(
                            "s1-fence-node-a", "s1-power-status-node-a", NOW.minusSeconds(1)),
                    false));
            assertTrue(verdict.allowed(), verdict.toString());
            assertTrue(((Verdict.Allowed) verdict)
                    .evidence()
                    .get(1)
                    .contains("power off confirmed by s1-power-status-node-a"));
        }

        @Test
        void drbdsOwnOutdatedMarkProvesItButOnlyOnEveryVolume() {
            NodeReport outdatedPeer = report(
                    "node-b",
                    "node-a",
                    DrbdRole.SECONDARY,
                    DiskState.UP_TO_DATE,
                    DrbdRole.UNKNOWN,
                    ConnectionState.CONNECTING,
                    ReplicationState.OFF,
                    DiskState.OUTDATED,
                    Optional.of(true),
                    NOW);
            assertTrue(guard.mayPromote(promote(
                            Optional.of(outdatedPeer),
                            Optional.empty(),
                            new PeerCannotWrite.OutdatedByDrbd(outdatedPeer),
                            false))
                    .allowed());
            NodeReport unknownPeer = report(
                    "node-b",
                    "node-a",
                    DrbdRole.SECONDARY,
                    DiskState.UP_TO_DATE,
                    DrbdRole.UNKNOWN,
                    ConnectionState.CONNECTING,
                    ReplicationState.OFF,
                    DiskState.DUNKNOWN,
                    Optional.of(true),
                    NOW);
            assertEquals(
                    SafetyRule.PEER_CANNOT_WRITE,
                    refusedBy(guard.mayPromote(promote(
                            Optional.of(unknownPeer),
                            Optional.empty(),
                            new PeerCannotWrite.OutdatedByDrbd(unknownPeer),
                            false))));
        }
    }

    @Nested
    class NoSecondPrimary {
        @Test
        void aPeerTheCandidateSeesPrimaryBlocksThePromotion() {
            NodeReport seesPrimary = report(
                    "node-b",
                    "node-a",
                    DrbdRole.SECONDARY,
                    DiskState.UP_TO_DATE,
                    DrbdRole.PRIMARY,
                    ConnectionState.CONNECTED,
                    ReplicationState.ESTABLISHED,
                    DiskState.OUTDATED,
                    Optional.of(true),
                    NOW);
            assertEquals(
                    SafetyRule.NO_SECOND_PRIMARY,
                    refusedBy(guard.mayPromote(promote(
                            Optional.of(seesPrimary),
                            Optional.empty(),
                            new PeerCannotWrite.OutdatedByDrbd(seesPrimary),
                            false))));
        }

        @Test
        void aPeerThatReportsItselfPrimaryBlocksThePromotion() {
            NodeReport outdatedPeer = report(
                    "node-b",
                    "node-a",
                    DrbdRole.SECONDARY,
                    DiskState.UP_TO_DATE,
                    DrbdRole.UNKNOWN,
                    ConnectionState.CONNECTING,
                    ReplicationState.OFF,
                    DiskState.OUTDATED,
                    Optional.of(true),
                    NOW);
            NodeReport peerPrimary = report(
                    "node-a",
                    "node-b",
                    DrbdRole.PRIMARY,
                    DiskState.OUTDATED,
                    DrbdRole.UNKNOWN,
                    ConnectionState.CONNECTING,
                    ReplicationState.OFF,
                    DiskState.DUNKNOWN,
                    Optional.of(false),
                    NOW);
            assertEquals(
                    SafetyRule.NO_SECOND_PRIMARY,
                    refusedBy(guard.mayPromote(promote(
                            Optional.of(outdatedPeer),
                            Optional.of(peerPrimary),
                            new PeerCannotWrite.OutdatedByDrbd(outdatedPeer),
                            false))));
        }
    }

    @Nested
    class MigrationWindow {
        private NodeReport failing(ConnectionState link, ReplicationState replication) {
            return report(
                    "node-a",
                    "node-b",
                    DrbdRole.PRIMARY,
                    DiskState.DISKLESS,
                    DrbdRole.SECONDARY,
                    link,
                    replication,
                    DiskState.UP_TO_DATE,
                    Optional.of(false),
                    NOW);
        }

        @Test
        void twoPrimariesOnlyWhileBothAreConnectedAndReplicating() {
            Verdict open = guard.mayOpenMigrationWindow(
                    "r0",
                    "node-a",
                    "node-b",
                    Optional.of(failing(ConnectionState.CONNECTED, ReplicationState.ESTABLISHED)),
                    Optional.of(survivor()),
                    NOW);
            assertTrue(open.allowed(), open.toString());
            assertEquals(
                    SafetyRule.WINDOW_NEEDS_CONNECTED_PAIR,
                    refusedBy(guard.mayOpenMigrationWindow(
                            "r0",
                            "node-a",
                            "node-b",
                            Optional.of(failing(ConnectionState.CONNECTING, ReplicationState.OFF)),
                            Optional.of(survivor()),
                            NOW)));
            assertEquals(
                    SafetyRule.WINDOW_NEEDS_CONNECTED_PAIR,
                    refusedBy(guard.mayOpenMigrationWindow(
                            "r0",
                            "node-a",
                            "node-b",
                            Optional.of(failing(ConnectionState.CONNECTED, ReplicationState.SYNC_SOURCE)),
                            Optional.of(survivor()),
                            NOW)));
        }

        @Test
        void theTargetMustBeUpToDateAndBothMustHaveSpokenLately() {
            NodeReport syncing = report(
                    "node-b",
                    "node-a",
                    DrbdRole.SECONDARY,
                    DiskState.INCONSISTENT,
                    DrbdRole.PRIMARY,
                    ConnectionState.CONNECTED,
                    ReplicationState.ESTABLISHED,
                    DiskState.DISKLESS,
                    Optional.of(true),
                    NOW);
            assertEquals(
                    SafetyRule.CANDIDATE_UP_TO_DATE,
                    refusedBy(guard.mayOpenMigrationWindow(
                            "r0",
                            "node-a",
                            "node-b",
                            Optional.of(failing(ConnectionState.CONNECTED, ReplicationState.ESTABLISHED)),
                            Optional.of(syncing),
                            NOW)));
            assertEquals(
                    SafetyRule.FRESH_FACTS,
                    refusedBy(guard.mayOpenMigrationWindow(
                            "r0", "node-a", "node-b", Optional.empty(), Optional.of(survivor()), NOW)));
        }
    }

    @Nested
    class Starting {
        @Test
        void oneFailoverAtATimePerResource() {
            assertEquals(
                    SafetyRule.ONE_SAGA_PER_RESOURCE,
                    refusedBy(guard.mayStart("pair-1", "r0", List.of("pair-1/r0/7"), List.of(), NOW, 3, HOUR)));
            assertTrue(guard.mayStart("pair-1", "r0", List.of(), List.of(), NOW, 3, HOUR)
                    .allowed());
        }

        @Test
        void theFlapGuardStopsAutomationAfterTheLimitWithinTheWindow() {
            List<Instant> three = List.of(NOW.minusSeconds(3000), NOW.minusSeconds(2000), NOW.minusSeconds(60));
            assertEquals(
                    SafetyRule.FLAP_GUARD, refusedBy(guard.mayStart("pair-1", "r0", List.of(), three, NOW, 3, HOUR)));
            List<Instant> oneTooOld = List.of(NOW.minusSeconds(3601), NOW.minusSeconds(2000), NOW.minusSeconds(60));
            assertTrue(guard.mayStart("pair-1", "r0", List.of(), oneTooOld, NOW, 3, HOUR)
                    .allowed());
        }
    }

    @Nested
    class MovingAVm {
        @Test
        void aVmNobodyReportedIsNotMovedButOneKnownToRunOrNotToRunWhereItLeavesIs() {
            Verdict unknown = guard.mayMoveVm("web", "node-a", new VmWhereabouts.Unknown("web", "node-a"));
            assertEquals(SafetyRule.VM_WHEREABOUTS_KNOWN, refusedBy(unknown));
            assertTrue(((Verdict.Refused) unknown).why().contains("may still run on node-a"), unknown.toString());
            assertTrue(guard.mayMoveVm("web", "node-a", new VmWhereabouts.RunsOn("node-a", "reported running"))
                    .allowed());
            assertTrue(guard.mayMoveVm("web", "node-a", new VmWhereabouts.NotRunningOn("node-a", "shut-off"))
                    .allowed());
        }
    }

    @Test
    void aGuardWithoutLimitsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PromotionGuard(Duration.ZERO));
        assertThrows(
                IllegalArgumentException.class,
                () -> guard.mayStart("pair-1", "r0", List.of(), List.of(), NOW, 0, HOUR));
    }
}
