package io.vigil.rules.failover;

import java.time.Instant;
import java.util.Objects;

/**
 * Why the peer of the node about to be promoted can no longer write to the resource, or that
 * nothing proves it. Silence is not on the list: a host that stopped answering may still be
 * writing (a frozen kernel, a cut management network); only these three prove it cannot.
 */
public sealed interface PeerCannotWrite {

    /** The peer's own fresh report says it is Secondary for the resource (it was demoted, or never was Primary). */
    record ConfirmedSecondary(NodeReport peerReport) implements PeerCannotWrite {
        public ConfirmedSecondary {
            Objects.requireNonNull(peerReport, "peerReport");
        }
    }

    /** The peer was fenced and its status command then confirmed the power is off. */
    record PowerConfirmedOff(String fenceActionId, String statusActionId, Instant confirmedAt)
            implements PeerCannotWrite {
        public PowerConfirmedOff {
            Objects.requireNonNull(fenceActionId, "fenceActionId");
            Objects.requireNonNull(statusActionId, "statusActionId");
            Objects.requireNonNull(confirmedAt, "confirmedAt");
        }
    }

    /** The candidate's own DRBD marked the peer's disk Outdated: DRBD will not let the peer write or promote. */
    record OutdatedByDrbd(NodeReport candidateReport) implements PeerCannotWrite {
        public OutdatedByDrbd {
            Objects.requireNonNull(candidateReport, "candidateReport");
        }
    }

    /** Nothing proves it; {@code why} says what is missing (for the page). */
    record Unproven(String why) implements PeerCannotWrite {
        public Unproven {
            Objects.requireNonNull(why, "why");
        }
    }
}
