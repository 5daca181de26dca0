package io.vigil.rules.cel;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import io.vigil.events.EventKind;
import io.vigil.events.WireEnum;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The CEL types of the telemetry bodies, derived from the wire contract's records: a rule is
 * checked against exactly the fields an agent sends, with their types, so {@code body.rol} or
 * {@code body.role == 3} fails when the rule is loaded, not when a disk dies.
 *
 * <p>Records become structs (named {@code vigil.DrbdResource}, {@code vigil.DrbdResource.DrbdDevice},
 * ...), {@code Optional<T>} becomes a field that may be absent (test it with {@code has()}),
 * lists and sets become lists, enums their wire words (strings), instants ISO-8601 strings,
 * integers {@code int} and decimals {@code double}.
 */
public final class EventTypes implements CelTypeProvider {
    private static final EventTypes INSTANCE = new EventTypes();

    private final Map<String, CelType> structs = new LinkedHashMap<>();
    private final Map<EventKind, StructType> bodies = new EnumMap<>(EventKind.class);

    private EventTypes() {
        for (EventKind kind : EventKind.values()) {
            bodies.put(kind, struct(kind.bodyType()));
        }
    }

    public static EventTypes get() {
        return INSTANCE;
    }

    /** The struct type of a kind's body. */
    public StructType body(EventKind kind) {
        return bodies.get(kind);
    }

    @Override
    public ImmutableCollection<CelType> types() {
        return ImmutableList.copyOf(structs.values());
    }

    @Override
    public Optional<CelType> findType(String typeName) {
        return Optional.ofNullable(structs.get(typeName));
    }

    static String typeName(Class<?> record) {
        Class<?> outer = record.getEnclosingClass();
        return outer == null ? "vigil." + record.getSimpleName() : typeName(outer) + "." + record.getSimpleName();
    }

    private StructType struct(Class<?> record) {
        String name = typeName(record);
        CelType known = structs.get(name);
        if (known != null) {
            return (StructType) known;
        }
        Map<String, CelType> fields = new LinkedHashMap<>();
        // registered before its fields are resolved, in case a record refers to itself
        StructType type = StructType.create(
                name, ImmutableSet.copyOf(fieldNames(record)), field -> Optional.ofNullable(fields.get(field)));
        structs.put(name, type);
        for (RecordComponent component : record.getRecordComponents()) {
            fields.put(component.getName(), celType(component.getGenericType(), record, component.getName()));
        }
        return type;
    }

    private static String[] fieldNames(Class<?> record) {
        RecordComponent[] components = record.getRecordComponents();
        String[] names = new String[components.length];
        for (int i = 0; i < components.length; i++) {
            names[i] = components[i].getName();
        }
        return names;
    }

    private CelType celType(Type type, Class<?> owner, String field) {
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type argument = p.getActualTypeArguments()[0];
            if (raw == Optional.class) {
                return celType(argument, owner, field);
            }
            if (Collection.class.isAssignableFrom(raw)) {
                return ListType.create(celType(argument, owner, field));
            }
        } else if (type instanceof Class<?> c) {
            if (c == String.class || c == Instant.class || WireEnum.class.isAssignableFrom(c)) {
                return SimpleType.STRING;
            }
            if (c == boolean.class || c == Boolean.class) {
                return SimpleType.BOOL;
            }
            if (c == int.class || c == long.class || c == Integer.class || c == Long.class) {
                return SimpleType.INT;
            }
            if (c == double.class || c == Double.class) {
                return SimpleType.DOUBLE;
            }
            if (c.isRecord()) {
                return struct(c);
            }
        }
        throw new IllegalStateException("the wire contract's " + owner.getSimpleName() + "." + field + " has type "
                + type + ", which rules cannot see yet: teach EventTypes and CelValues about it");
    }
}
