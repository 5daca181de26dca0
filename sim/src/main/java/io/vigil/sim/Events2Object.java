package io.vigil.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One object of drbdsetup's events2 stream (a resource, device, connection, peer-device or path)
 * as the fields drbdsetup prints, in its order. Which fields a line carries depends on the verb
 * and on --statistics, as in drbd-utils' own test traces (shared/samples/drbd):
 * <ul>
 * <li>{@code exists}/{@code create} print every field (statistics only with --statistics);</li>
 * <li>{@code change} prints the key, the fields drbdsetup always repeats, the ones that print only
 * when they changed (resource role, suspended, resync-suspended), and statistics only where a
 * resync is running (the sync sample's peer-device line);</li>
 * <li>{@code destroy} prints the key only.</li>
 * </ul>
 */
record Events2Object(String type, List<Field> fields, boolean statisticsOnChange) {

    enum Kind {
        /** identifies the object; printed on every line */
        KEY,
        /** printed on every exists/create/change line */
        STATE,
        /** printed on exists/create, and on change only when its value changed */
        STATE_IF_CHANGED,
        /** printed with --statistics on exists/create (and on change where statisticsOnChange) */
        STATISTIC,
        /** printed on every line while present (resync done %), but its moving alone is no change event */
        PROGRESS
    }

    record Field(String name, String value, Kind kind) {}

    Events2Object {
        fields = List.copyOf(fields);
    }

    String identity() {
        StringBuilder id = new StringBuilder(type);
        fields.stream()
                .filter(f -> f.kind() == Kind.KEY)
                .forEach(f -> id.append(' ').append(f.name()).append(':').append(f.value()));
        return id.toString();
    }

    /** The text after the timestamp for an exists or create line. */
    String full(String verb, boolean statistics) {
        List<String> parts = new ArrayList<>();
        for (Field f : fields) {
            if (f.kind() != Kind.STATISTIC || statistics) {
                parts.add(f.name() + ":" + f.value());
            }
        }
        return verb + " " + type + " " + String.join(" ", parts);
    }

    /** The change line from {@code before} to this, or empty when nothing a change line shows changed. */
    Optional<String> changeFrom(Events2Object before, boolean statistics) {
        List<String> parts = new ArrayList<>();
        boolean changed = false;
        for (Field f : fields) {
            String old = before.value(f.name()).orElse(null);
            boolean differs = !Objects.equals(old, f.value());
            switch (f.kind()) {
                case KEY -> parts.add(f.name() + ":" + f.value());
                case STATE -> {
                    parts.add(f.name() + ":" + f.value());
                    changed |= differs;
                }
                case STATE_IF_CHANGED -> {
                    if (differs) {
                        parts.add(f.name() + ":" + f.value());
                        changed = true;
                    }
                }
                case PROGRESS -> parts.add(f.name() + ":" + f.value());
                case STATISTIC -> {
                    if (statistics && statisticsOnChange) {
                        parts.add(f.name() + ":" + f.value());
                    }
                }
            }
        }
        // a field that vanished (sync progress once the resync ends) is a change too
        for (Field f : before.fields()) {
            if ((f.kind() == Kind.STATE || f.kind() == Kind.STATE_IF_CHANGED)
                    && value(f.name()).isEmpty()) {
                changed = true;
            }
        }
        return changed ? Optional.of("change " + type + " " + String.join(" ", parts)) : Optional.empty();
    }

    String destroy() {
        List<String> parts = new ArrayList<>();
        fields.stream().filter(f -> f.kind() == Kind.KEY).forEach(f -> parts.add(f.name() + ":" + f.value()));
        return "destroy " + type + " " + String.join(" ", parts);
    }

    Optional<String> value(String name) {
        return fields.stream()
                .filter(f -> f.name().equals(name))
                .map(Field::value)
                .findFirst();
    }

    static final class Builder {
        private final String type;
        private final List<Field> fields = new ArrayList<>();
        private boolean statisticsOnChange;

        Builder(String type) {
            this.type = type;
        }

        Builder key(String name, Object value) {
            fields.add(new Field(name, String.valueOf(value), Kind.KEY));
            return this;
        }

        Builder state(String name, Object value) {
            fields.add(new Field(name, String.valueOf(value), Kind.STATE));
            return this;
        }

        Builder stateIfChanged(String name, Object value) {
            fields.add(new Field(name, String.valueOf(value), Kind.STATE_IF_CHANGED));
            return this;
        }

        Builder progress(String name, Object value) {
            fields.add(new Field(name, String.valueOf(value), Kind.PROGRESS));
            return this;
        }

        Builder statistic(String name, Object value) {
            fields.add(new Field(name, String.valueOf(value), Kind.STATISTIC));
            return this;
        }

        Builder statisticsOnChange(boolean on) {
            statisticsOnChange = on;
            return this;
        }

        Events2Object build() {
            return new Events2Object(type, fields, statisticsOnChange);
        }
    }

    static Builder of(String type) {
        return new Builder(type);
    }

    static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }
}
