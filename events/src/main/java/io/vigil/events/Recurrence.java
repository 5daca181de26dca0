package io.vigil.events;

import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * When a maintenance window recurs: on these weekdays, from one time of day to another, in a time
 * zone (so "Sunday 02:00-04:00 Europe/Berlin" follows daylight saving). A window whose end is
 * before its start runs past midnight into the next day; its weekday is the day it starts.
 */
public record Recurrence(Set<Weekday> weekdays, LocalTime from, LocalTime to, String timeZone) {
    public Recurrence {
        if (weekdays == null || weekdays.isEmpty()) {
            throw new IllegalArgumentException("weekdays: name at least one day (monday ... sunday)");
        }
        weekdays = Set.copyOf(EnumSet.copyOf(weekdays));
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (from.equals(to)) {
            throw new IllegalArgumentException("to: equals from (" + from + "); a window needs a length");
        }
        zone(timeZone);
    }

    public ZoneId zone() {
        return zone(timeZone);
    }

    private static ZoneId zone(String timeZone) {
        if (timeZone == null) {
            throw new IllegalArgumentException("timeZone: is missing (e.g. Europe/Berlin or UTC)");
        }
        try {
            return ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(
                    "timeZone: '" + Name.printable(timeZone) + "' is not a time zone (e.g. Europe/Berlin or UTC)");
        }
    }
}
