package io.vigil.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * JSON for envelopes ({@link WireCodec} for the rules every Vigil record follows): the envelope's
 * own fields are checked one by one, and the body is read as the type its {@code kind} names.
 */
public final class EnvelopeCodec {
    private static final ObjectMapper MAPPER = WireCodec.json();
    private static final Set<String> ENVELOPE_FIELDS = Set.of("v", "cluster", "node", "seq", "ts", "kind", "body");

    private EnvelopeCodec() {}

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

    /**
     * Reads an envelope straight from its bytes, field by field: the body is bound to the type its
     * kind names as the parser reaches it (or, when the body comes before the kind, from a buffer
     * of its tokens), with no tree of the whole record built on the way; the engine reads every
     * event this way.
     */
    public static Envelope decode(byte[] bytes) throws DecodeException {
        if (bytes == null || bytes.length == 0) {
            throw new DecodeException("", "empty record");
        }
        try (JsonParser p = MAPPER.getFactory().createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new DecodeException("", "not a JSON object");
            }
            Integer v = null;
            Long seq = null;
            String cluster = null;
            String node = null;
            String ts = null;
            EventKind kind = null;
            Body body = null;
            DecodeException badBody = null;
            TokenBuffer bufferedBody = null;
            Set<String> seen = new HashSet<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.VALUE_NULL) {
                    continue;
                }
                if (!seen.add(field)) {
                    throw new DecodeException(field, "given twice");
                }
                switch (field) {
                    case "v" -> v = (int) integral(p, field, true);
                    case "seq" -> seq = integral(p, field, false);
                    case "cluster" -> cluster = text(p, field);
                    case "node" -> node = text(p, field);
                    case "ts" -> ts = text(p, field);
                    case "kind" -> {
                        String kindText = text(p, field);
                        kind = EventKind.fromWire(kindText)
                                .orElseThrow(() ->
                                        new DecodeException("kind", "unknown kind '" + Name.printable(kindText) + "'"));
                    }
                    case "body" -> {
                        if (value != JsonToken.START_OBJECT) {
                            throw new DecodeException("body", "expected an object");
                        }
                        if (kind != null) {
                            JsonStreamContext envelope = p.getParsingContext().getParent();
                            try {
                                body = readBody(kind, p);
                            } catch (DecodeException e) {
                                // the envelope's own fields are reported first: this waits for them,
                                // and the parser moves on to the end of the body
                                badBody = e;
                                while (p.getParsingContext() != envelope && p.nextToken() != null) {
                                    p.skipChildren();
                                }
                            }
                        } else {
                            bufferedBody = new TokenBuffer(p);
                            bufferedBody.copyCurrentStructure(p);
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw new DecodeException("", "not a JSON object");
            }
            if (p.nextToken() != null) {
                throw new DecodeException("", "more after the record's closing brace");
            }
            int version = required(v, "v");
            if (version != Envelope.VERSION) {
                throw new DecodeException(
                        "v", "version " + version + " is not supported (this build reads " + Envelope.VERSION + ")");
            }
            String clusterId = required(cluster, "cluster");
            String nodeId = required(node, "node");
            long sequence = required(seq, "seq");
            String tsText = required(ts, "ts");
            Instant instant = WireTime.parse("ts", tsText);
            EventKind eventKind = required(kind, "kind");
            if (badBody != null) {
                throw badBody;
            }
            if (body == null) {
                if (bufferedBody == null) {
                    throw new DecodeException("body", "required field is missing");
                }
                try (JsonParser buffered = bufferedBody.asParser(MAPPER)) {
                    buffered.nextToken();
                    body = readBody(eventKind, buffered);
                }
            }
            try {
                return new Envelope(version, clusterId, nodeId, sequence, instant, body);
            } catch (IllegalArgumentException | NullPointerException e) {
                // the envelope's checks start their message with the field's name
                String message = String.valueOf(e.getMessage());
                int colon = message.indexOf(": ");
                String field = colon > 0 && ENVELOPE_FIELDS.contains(message.substring(0, colon))
                        ? message.substring(0, colon)
                        : "";
                throw new DecodeException(field, field.isEmpty() ? message : message.substring(colon + 2));
            }
        } catch (JsonProcessingException e) {
            throw new DecodeException("", "not JSON: " + WireCodec.firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new DecodeException("", "unreadable: " + e.getMessage());
        }
    }

    private static Body readBody(EventKind kind, JsonParser p) throws DecodeException {
        return WireCodec.read(p, kind.bodyType(), "body");
    }

    private static <T> T required(T value, String field) throws DecodeException {
        if (value == null) {
            throw new DecodeException(field, "required field is missing");
        }
        return value;
    }

    private static String text(JsonParser p, String field) throws IOException, DecodeException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new DecodeException(field, "expected a string, got " + type(p.currentToken()));
        }
        return p.getText();
    }

    private static long integral(JsonParser p, String field, boolean asInt) throws IOException, DecodeException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw new DecodeException(field, "expected an integer, got " + type(p.currentToken()));
        }
        JsonParser.NumberType type = p.getNumberType();
        if (type == JsonParser.NumberType.BIG_INTEGER || asInt && type != JsonParser.NumberType.INT) {
            throw new DecodeException(field, "expected an integer, got a number out of range");
        }
        return p.getLongValue();
    }

    private static String type(JsonToken token) {
        return switch (token) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case START_OBJECT -> "object";
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            default -> token.name().toLowerCase(Locale.ROOT);
        };
    }

    /** Reads a body of the given kind; errors name the field under "body". */
    public static Body decodeBody(EventKind kind, JsonNode body) throws DecodeException {
        return WireCodec.decodeTree(body, kind.bodyType(), "body");
    }
}
