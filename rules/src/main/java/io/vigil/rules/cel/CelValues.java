package io.vigil.rules.cel;

import io.vigil.events.WireEnum;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a wire-contract record into the value CEL sees, field by field as {@link EventTypes}
 * declares it: records become maps of their present fields (an empty {@code Optional} leaves its
 * key out, so {@code has()} answers), integers become {@code long}, enums their wire words.
 * A record's map converts a field only when an expression reads it: most rules read a handful of
 * a body's fields, and the engine evaluates every event.
 */
public final class CelValues {
    private static final Map<Class<?>, Fields> FIELDS = new ConcurrentHashMap<>();

    private record Fields(String[] names, MethodHandle[] getters, Map<String, Integer> index) {}

    private CelValues() {}

    /** The CEL value of a record (a map) or of any value a record field may hold. */
    public static Object of(Object value) {
        if (value instanceof String || value instanceof Boolean || value instanceof Long || value instanceof Double) {
            return value;
        }
        if (value instanceof Integer i) {
            return i.longValue();
        }
        if (value instanceof WireEnum e) {
            return e.wire();
        }
        if (value instanceof Instant t) {
            return t.toString();
        }
        if (value instanceof Collection<?> c) {
            List<Object> list = new ArrayList<>(c.size());
            for (Object item : c) {
                list.add(of(item));
            }
            return list;
        }
        if (value instanceof Record r) {
            return new RecordMap(r, FIELDS.computeIfAbsent(r.getClass(), CelValues::fields));
        }
        throw new IllegalArgumentException(
                "no CEL value for " + value.getClass().getName());
    }

    /** A record seen as a map of its present fields, each converted when first read. */
    private static final class RecordMap extends AbstractMap<String, Object> {
        private static final Object ABSENT = new Object();
        private final Record record;
        private final Fields fields;
        private final Object[] values;

        RecordMap(Record record, Fields fields) {
            this.record = record;
            this.fields = fields;
            this.values = new Object[fields.names().length];
        }

        private Object field(int i) {
            Object value = values[i];
            if (value == null) {
                Object raw;
                try {
                    raw = fields.getters()[i].invoke(record);
                } catch (Throwable e) {
                    throw new IllegalStateException(
                            "cannot read " + record.getClass().getSimpleName() + "." + fields.names()[i], e);
                }
                if (raw instanceof Optional<?> optional) {
                    raw = optional.orElse(null);
                }
                value = raw == null ? ABSENT : of(raw);
                values[i] = value;
            }
            return value;
        }

        @Override
        public Object get(Object key) {
            Integer i = fields.index().get(key);
            if (i == null) {
                return null;
            }
            Object value = field(i);
            return value == ABSENT ? null : value;
        }

        @Override
        public boolean containsKey(Object key) {
            Integer i = fields.index().get(key);
            return i != null && field(i) != ABSENT;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, Object>> iterator() {
                    List<Entry<String, Object>> present = new ArrayList<>();
                    for (int i = 0; i < fields.names().length; i++) {
                        Object value = field(i);
                        if (value != ABSENT) {
                            present.add(new SimpleImmutableEntry<>(fields.names()[i], value));
                        }
                    }
                    return present.iterator();
                }

                @Override
                public int size() {
                    int n = 0;
                    for (int i = 0; i < fields.names().length; i++) {
                        n += field(i) == ABSENT ? 0 : 1;
                    }
                    return n;
                }
            };
        }
    }

    private static Fields fields(Class<?> type) {
        RecordComponent[] components = type.getRecordComponents();
        String[] names = new String[components.length];
        MethodHandle[] getters = new MethodHandle[components.length];
        Map<String, Integer> index = new HashMap<>();
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        for (int i = 0; i < components.length; i++) {
            names[i] = components[i].getName();
            index.put(names[i], i);
            try {
                getters[i] = lookup.unreflect(components[i].getAccessor());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read " + type.getName() + "." + components[i].getName(), e);
            }
        }
        return new Fields(names, getters, Map.copyOf(index));
    }
}
