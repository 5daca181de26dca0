package io.vigil.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * JSON for envelopes ({@link WireCodec} for the rules every Vigil record follows): the envelope's
 * own fields are checked one by one, and the body is read as the type its {@code kind} names.
 */
public final class EnvelopeCodec {
    private static final ObjectMapper MAPPER = WireCodec.json();

    private EnvelopeCodec() {
    }

    /** The mapper Vigil writes its JSON with ({@link WireCodec#json()}), for callers that print events. */
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
        return decodeTree(WireCodec.readObject(bytes));
    }

    /**
     * Reads an envelope already parsed into a tree, for a reader that goes on to use the tree
     * itself (the engine hands the body to its rules as it came).
     */
    public static Envelope decodeTree(JsonNode root) throws DecodeException {
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
        return WireCodec.decodeTree(body, kind.bodyType(), "body");
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
}
