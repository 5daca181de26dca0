package io.vigil.rules.cel;

import io.vigil.events.WireEnum;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a wire-contract record into the value CEL sees, field by field as {@link EventTypes}
 * declares it: records become maps of their present fields (an empty {@code Optional} leaves its
 * key out, so {@code has()} answers), integers become {@code long}, enums their wire words.
 */
public final class CelValues {
    private static final Map<Class<?>, Accessor[]> ACCESSORS = new ConcurrentHashMap<>();

    private record Accessor(String name, MethodHandle getter) {
    }

    private CelValues() {
    }

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
            return record(r);
        }
        throw new IllegalArgumentException("no CEL value for " + value.getClass().getName());
    }

    private static Map<String, Object> record(Record record) {
        Accessor[] accessors = ACCESSORS.computeIfAbsent(record.getClass(), CelValues::accessors);
        Map<String, Object> fields = new HashMap<>(accessors.length * 2);
        for (Accessor accessor : accessors) {
            Object value;
            try {
                value = accessor.getter().invoke(record);
            } catch (Throwable e) {
                throw new IllegalStateException("cannot read " + record.getClass().getSimpleName() + "." + accessor.name(), e);
            }
            if (value instanceof Optional<?> optional) {
                if (optional.isEmpty()) {
                    continue;
                }
                value = optional.get();
            }
            fields.put(accessor.name(), of(value));
        }
        return fields;
    }

    private static Accessor[] accessors(Class<?> type) {
        RecordComponent[] components = type.getRecordComponents();
        Accessor[] accessors = new Accessor[components.length];
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        for (int i = 0; i < components.length; i++) {
            try {
                accessors[i] = new Accessor(components[i].getName(), lookup.unreflect(components[i].getAccessor()));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read " + type.getName() + "." + components[i].getName(), e);
            }
        }
        return accessors;
    }
}
