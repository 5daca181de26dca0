package io.vigil.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JSON for every record on a Vigil topic (envelopes, alerts, silences). Unknown fields are
 * ignored (a newer writer may add some); every field that is not an {@code Optional} is required,
 * and no value is coerced from another JSON type, so a record that is missing or mistypes a field
 * is refused with the field's path. Times are ISO-8601 strings within {@link WireTime}'s window.
 */
public final class WireCodec {
    private static final Pattern MISSING = Pattern.compile("Missing required creator property '([^']+)'");
    private static final ObjectMapper MAPPER = buildMapper();

    private WireCodec() {}

    /** The mapper Vigil writes its JSON with, for callers that print events or summaries. */
    public static ObjectMapper json() {
        return MAPPER;
    }

    /** A record as JSON bytes. */
    public static byte[] encode(Object record) {
        try {
            return MAPPER.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + record.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Reads one record of {@code type}; errors name the field. */
    public static <T> T decode(byte[] bytes, Class<T> type) throws DecodeException {
        return decodeTree(readObject(bytes), type, "");
    }

    /** Reads bytes that must hold one JSON object. */
    private static JsonNode readObject(byte[] bytes) throws DecodeException {
        if (bytes == null || bytes.length == 0) {
            throw new DecodeException("", "empty record");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new DecodeException("", "not JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new DecodeException("", "not a JSON object");
        }
        return root;
    }

    /** Reads the value the parser is at as {@code type}; errors name the field under {@code path} ("body"). */
    static <T> T read(JsonParser parser, Class<T> type, String path) throws DecodeException {
        try {
            return MAPPER.readValue(parser, type);
        } catch (JsonMappingException e) {
            throw describe(path, e);
        } catch (JsonProcessingException e) {
            throw new DecodeException(path, firstLine(e.getOriginalMessage()));
        } catch (IOException | IllegalArgumentException e) {
            throw new DecodeException(path, firstLine(e.getMessage()));
        }
    }

    /** Reads a JSON tree as {@code type}; errors name the field under {@code path} ("body"). */
    static <T> T decodeTree(JsonNode tree, Class<T> type, String path) throws DecodeException {
        if (!tree.isObject()) {
            throw new DecodeException(path, "expected an object");
        }
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (JsonMappingException e) {
            throw describe(path, e);
        } catch (JsonProcessingException e) {
            throw new DecodeException(path, firstLine(e.getOriginalMessage()));
        } catch (IllegalArgumentException e) {
            throw new DecodeException(path, firstLine(e.getMessage()));
        }
    }

    private static DecodeException describe(String root, JsonMappingException e) {
        StringBuilder path = new StringBuilder(root);
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        String original = firstLine(e.getOriginalMessage());
        Matcher missing = MISSING.matcher(original);
        if (missing.find()) {
            String prefix = path.length() == 0 ? "" : path + ".";
            String field = path.toString().endsWith("." + missing.group(1))
                            || path.toString().equals(missing.group(1))
                    ? path.toString()
                    : prefix + missing.group(1);
            return new DecodeException(field, "required field is missing");
        }
        if (e instanceof ValueInstantiationException && e.getCause() != null) {
            // our own checks in the record constructors; their message starts with the field name
            Throwable cause = e.getCause();
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            if (cause instanceof NullPointerException) {
                return new DecodeException((path.length() == 0 ? "" : path + ".") + message, "must not be null");
            }
            return new DecodeException(path.toString(), message);
        }
        if (e instanceof InvalidFormatException invalid) {
            return new DecodeException(
                    path.toString(),
                    "'" + invalid.getValue() + "' is not a valid "
                            + invalid.getTargetType().getSimpleName());
        }
        if (e instanceof MismatchedInputException mismatched && mismatched.getTargetType() != null) {
            return new DecodeException(
                    path.toString(), "expected " + describeType(mismatched.getTargetType()) + " (" + original + ")");
        }
        return new DecodeException(path.toString(), original);
    }

    private static String describeType(Class<?> type) {
        if (type == long.class || type == int.class || type == Long.class || type == Integer.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Instant.class) {
            return "an ISO-8601 time as a string";
        }
        return type.getSimpleName();
    }

    static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static ObjectMapper buildMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .addModule(new Jdk8Module())
                .addModule(new JavaTimeModule())
                // after the time module, so that every Instant is read by WireTime's rules
                .addModule(
                        new SimpleModule("vigil-wire-time").addDeserializer(Instant.class, new WireTime.Deserializer()))
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .defaultPropertyInclusion(
                        JsonInclude.Value.construct(JsonInclude.Include.NON_ABSENT, JsonInclude.Include.NON_ABSENT))
                .annotationIntrospector(new RequiredUnlessOptional())
                .build();
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        return mapper;
    }

    /** Every record component is required except an {@code Optional} one. */
    private static final class RequiredUnlessOptional extends JacksonAnnotationIntrospector {
        @Override
        public Boolean hasRequiredMarker(AnnotatedMember member) {
            Boolean explicit = super.hasRequiredMarker(member);
            if (explicit != null) {
                return explicit;
            }
            return !Optional.class.isAssignableFrom(member.getRawType());
        }
    }
}
