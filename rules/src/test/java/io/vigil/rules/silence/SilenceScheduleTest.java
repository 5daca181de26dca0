package io.vigil.rules.silence;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.events.LabelMatcher;
import io.vigil.events.Recurrence;
import io.vigil.events.Silence;
import io.vigil.events.Weekday;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SilenceScheduleTest {
    private static final Instant YEAR_START = Instant.parse("2026-01-01T00:00:00Z");

    private static Silence window(Set<Weekday> days, String from, String to, String zone) {
        return new Silence(
                "w",
                List.of(LabelMatcher.parse("cluster=pair-1")),
                YEAR_START,
                YEAR_START.plusSeconds(365L * 86_400),
                "ops",
                "maintenance",
                Optional.of(new Recurrence(days, LocalTime.parse(from), LocalTime.parse(to), zone)),
                YEAR_START);
    }

    @Test
    void aOneOffSilenceMutesFromItsStartUntilItsEnd() {
        Silence s = new Silence(
                "s",
                List.of(LabelMatcher.parse("node=node-a")),
                Instant.parse("2026-12-01T02:00:00Z"),
                Instant.parse("2026-12-01T04:00:00Z"),
                "ops",
                "disk swap",
                Optional.empty(),
                YEAR_START);
        assertFalse(SilenceSchedule.activeAt(s, Instant.parse("2026-12-01T01:59:59Z")));
        assertTrue(SilenceSchedule.activeAt(s, Instant.parse("2026-12-01T02:00:00Z")));
        assertTrue(SilenceSchedule.activeAt(s, Instant.parse("2026-12-01T03:59:59Z")));
        assertFalse(SilenceSchedule.activeAt(s, Instant.parse("2026-12-01T04:00:00Z")), "the end is not included");
    }

    @Test
    void aWeeklyWindowMutesOnlyOnItsDaysAndHoursInItsZoneThroughDaylightSaving() {
        Silence sunday = window(Set.of(Weekday.SUNDAY), "02:00", "04:00", "Europe/Berlin");
        // 2026-12-06 is a Sunday; Berlin is UTC+1 in winter
        assertTrue(SilenceSchedule.activeAt(sunday, Instant.parse("2026-12-06T01:30:00Z")));
        assertFalse(SilenceSchedule.activeAt(sunday, Instant.parse("2026-12-06T03:00:00Z")));
        assertFalse(SilenceSchedule.activeAt(sunday, Instant.parse("2026-12-05T01:30:00Z")), "a Saturday");
        // 2026-07-05 is a Sunday; Berlin is UTC+2 in summer
        assertTrue(SilenceSchedule.activeAt(sunday, Instant.parse("2026-07-05T00:30:00Z")));
        assertFalse(SilenceSchedule.activeAt(sunday, Instant.parse("2026-07-05T02:30:00Z")));
    }

    @Test
    void aWindowPastMidnightBelongsToTheDayItStarts() {
        Silence friday = window(Set.of(Weekday.FRIDAY), "22:00", "03:00", "UTC");
        // 2026-12-04 is a Friday
        assertTrue(SilenceSchedule.activeAt(friday, Instant.parse("2026-12-04T23:00:00Z")));
        assertTrue(
                SilenceSchedule.activeAt(friday, Instant.parse("2026-12-05T02:59:00Z")),
                "Saturday early morning, Friday's window");
        assertFalse(
                SilenceSchedule.activeAt(friday, Instant.parse("2026-12-05T23:00:00Z")), "Saturday night is not in it");
        assertFalse(
                SilenceSchedule.activeAt(friday, Instant.parse("2026-12-04T02:00:00Z")),
                "Friday early morning is Thursday's");
    }

    @Test
    void matchersFollowAlertmanager() {
        Map<String, String> labels = Map.of("node", "node-a", "severity", "critical", "device", "/dev/sda");
        assertTrue(Matchers.all(
                List.of(LabelMatcher.parse("node=node-a"), LabelMatcher.parse("severity=~\"warning|critical\"")),
                labels));
        assertFalse(Matchers.matches(LabelMatcher.parse("severity=~crit"), labels), "a regex matches the whole value");
        assertTrue(Matchers.matches(LabelMatcher.parse("team=\"\""), labels), "an absent label reads as empty");
        assertTrue(Matchers.matches(LabelMatcher.parse("device!~\"/dev/nvme.*\""), labels));
        assertFalse(Matchers.matches(LabelMatcher.parse("node!=node-a"), labels));
        // RE2: a pattern that backtracks exponentially in java.util.regex runs in linear time
        String hostile = "a".repeat(40) + "!";
        assertFalse(Matchers.matches(LabelMatcher.parse("x=~\"(a+)+$\""), Map.of("x", hostile)));
    }
}
