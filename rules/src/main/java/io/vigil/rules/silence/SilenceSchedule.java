package io.vigil.rules.silence;

import io.vigil.events.Recurrence;
import io.vigil.events.Silence;
import io.vigil.events.Weekday;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;

/** Whether a silence mutes at a moment: within its span, and, for a maintenance window, inside one of its recurrences. */
public final class SilenceSchedule {
    private SilenceSchedule() {}

    public static boolean activeAt(Silence silence, Instant now) {
        if (now.isBefore(silence.startsAt()) || !now.isBefore(silence.endsAt())) {
            return false;
        }
        return silence.recurrence().map(r -> insideWindow(r, now)).orElse(true);
    }

    /** Today's window, or yesterday's when it runs past midnight, contains {@code now} (in the window's zone). */
    static boolean insideWindow(Recurrence r, Instant now) {
        ZonedDateTime local = now.atZone(r.zone());
        LocalDate today = local.toLocalDate();
        return contains(r, today, now) || contains(r, today.minusDays(1), now);
    }

    private static boolean contains(Recurrence r, LocalDate day, Instant now) {
        if (!r.weekdays().contains(Weekday.of(day.getDayOfWeek()))) {
            return false;
        }
        ZonedDateTime start = day.atTime(r.from()).atZone(r.zone());
        LocalDate endDay = r.to().isAfter(r.from()) ? day : day.plusDays(1);
        ZonedDateTime end = endDay.atTime(r.to()).atZone(r.zone());
        return !now.isBefore(start.toInstant()) && now.isBefore(end.toInstant());
    }
}
