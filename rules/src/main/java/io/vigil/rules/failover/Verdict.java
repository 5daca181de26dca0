package io.vigil.rules.failover;

import java.util.List;
import java.util.Objects;

/** What {@link PromotionGuard} answers: allowed, with the evidence it rested on, or refused by one rule, with why. */
public sealed interface Verdict {

    boolean allowed();

    record Allowed(List<String> evidence) implements Verdict {
        public Allowed {
            evidence = List.copyOf(evidence);
        }

        @Override
        public boolean allowed() {
            return true;
        }
    }

    record Refused(SafetyRule rule, String why) implements Verdict {
        public Refused {
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(why, "why");
        }

        @Override
        public boolean allowed() {
            return false;
        }

        /** "refused (the candidate's disk is UpToDate): node-b's disk for r0 volume 0 is Inconsistent". */
        public String describe() {
            return "refused (" + rule.words() + "): " + why;
        }
    }
}
