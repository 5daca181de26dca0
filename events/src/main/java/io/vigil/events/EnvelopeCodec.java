package io.vigil.events;

import com.fasterxml.jackson.annotation.JsonInclude;
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
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JSON for envelopes and bodies. Unknown fields are ignored (a newer agent may add some); every
 * field that is not an {@code Optional} is required, and no value is coerced from another JSON
 * type, so a record that is missing or mistypes a field is refused with the field's path.
 */
public final class EnvelopeCodec {
    private static final Pattern MISSING = Pattern.compile("Missing required creator property '([^']+)'");
    private static final ObjectMapper MAPPER = buildMapper();

    private EnvelopeCodec() {
    }

    /** The mapper Vigil writes its JSON with, for callers that print events or summaries. */
    public static ObjectMapper json() {
        return MAPPER;
    }

    public static byte[] encode(Envelope envelope) {
        try {
            return MAPPER.writeValueAsBytes(toTree(envelope));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write envelope " + envelope.node() + "/" + envelope.seq(), e);
        }
    }

    public static String encodeToString(Envelope envelope) {
        return new String(encode(envelope), java.nio.charset.StandardCharsets.UTF_8);
    }

    public static ObjectNode toTree(Envelope envelope) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("v", envelope.v());
        node.put("cluster", envelope.cluster());
        node.put("node", envelope.node());
        node.put("seq", envelope.seq());
        node.put("ts", envelope.ts().toString());
        node.put("kind", envelope.kind().wire());
        node.set("body", MAPPER.valueToTree(envelope.body()));
        return node;
    }

    public static Envelope decode(byte[] bytes) throws DecodeException {
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
        int v = requiredInt(root, "v");
        if (v != Envelope.VERSION) {
            throw new DecodeException("v", "version " + v + " is not supported (this build reads " + Envelope.VERSION + ")");
        }
        String cluster = requiredText(root, "cluster");
        String node = requiredText(root, "node");
        long seq = requiredLong(root, "seq");
        String tsText = requiredText(root, "ts");
        Instant ts;
        try {
            ts = Instant.parse(tsText);
        } catch (DateTimeParseException e) {
            throw new DecodeException("ts", "'" + Name.printable(tsText) + "' is not an ISO-8601 instant");
        }
        String kindText = requiredText(root, "kind");
        EventKind kind = EventKind.fromWire(kindText).orElseThrow(() ->
                new DecodeException("kind", "unknown kind '" + Name.printable(kindText) + "'"));
        Body body = decodeBody(kind, required(root, "body"));
        try {
            return new Envelope(v, cluster, node, seq, ts, body);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new DecodeException("", e.getMessage());
        }
    }

    /** Reads a body of the given kind; errors name the field under "body". */
    public static Body decodeBody(EventKind kind, JsonNode body) throws DecodeException {
        if (!body.isObject()) {
            throw new DecodeException("body", "expected an object");
        }
        try {
            return MAPPER.treeToValue(body, kind.bodyType());
        } catch (JsonMappingException e) {
            throw describe("body", e);
        } catch (JsonProcessingException e) {
            throw new DecodeException("body", firstLine(e.getOriginalMessage()));
        } catch (IllegalArgumentException e) {
            throw new DecodeException("body", firstLine(e.getMessage()));
        }
    }

    private static DecodeException describe(String root, JsonMappingException e) {
        StringBuilder path = new StringBuilder(root);
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append('.').append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        String original = firstLine(e.getOriginalMessage());
        Matcher missing = MISSING.matcher(original);
        if (missing.find()) {
            String field = path.toString().endsWith("." + missing.group(1)) ? path.toString() : path + "." + missing.group(1);
            return new DecodeException(field, "required field is missing");
        }
        if (e instanceof ValueInstantiationException && e.getCause() != null) {
            // our own checks in the record constructors; their message starts with the field name
            Throwable cause = e.getCause();
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            if (cause instanceof NullPointerException) {
                return new DecodeException(path + "." + message, "must not be null");
            }
            return new DecodeException(path.toString(), message);
        }
        if (e instanceof InvalidFormatException invalid) {
            return new DecodeException(path.toString(), "'" + invalid.getValue() + "' is not a valid "
                    + invalid.getTargetType().getSimpleName());
        }
        if (e instanceof MismatchedInputException mismatched && mismatched.getTargetType() != null) {
            return new DecodeException(path.toString(), "expected " + describeType(mismatched.getTargetType())
                    + " (" + original + ")");
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
        return type.getSimpleName();
    }

    private static JsonNode required(JsonNode root, String field) throws DecodeException {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            throw new DecodeException(field, "required field is missing");
        }
        return value;
    }

    private static String requiredText(JsonNode root, String field) throws DecodeException {
        JsonNode value = required(root, field);
        if (!value.isTextual()) {
            throw new DecodeException(field, "expected a string, got " + value.getNodeType().name().toLowerCase());
        }
        return value.textValue();
    }

    private static long requiredLong(JsonNode root, String field) throws DecodeException {
        JsonNode value = required(root, field);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new DecodeException(field, "expected an integer, got " + value.getNodeType().name().toLowerCase());
        }
        return value.longValue();
    }

    private static int requiredInt(JsonNode root, String field) throws DecodeException {
        JsonNode value = required(root, field);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new DecodeException(field, "expected an integer, got " + value.getNodeType().name().toLowerCase());
        }
        return value.intValue();
    }

    private static String firstLine(String message) {
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
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .serializationInclusion(JsonInclude.Include.NON_ABSENT)
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
