package io.vigil.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An action as it travels on {@link Topics#ACTIONS}: {@code {"v":1,"action":"<the action's JSON
 * text>","hmac":"<hex HMAC-SHA256 of that text>"}}. The MAC covers the exact bytes of the text, not
 * a re-encoding of it, so the check never depends on how a JSON library orders fields. An agent
 * holds its own node's key, the engine every node's ({@link ActionSeals}); a key is read from a file
 * or an environment variable, never from a config file.
 */
public final class ActionSeal {
    /** Shorter keys are refused: HMAC-SHA256's key should be as long as its output. */
    public static final int MIN_KEY_BYTES = 32;

    private static final String ALGORITHM = "HmacSHA256";
    private static final int VERSION = 1;
    private final SecretKeySpec key;

    public ActionSeal(byte[] key) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the action key has " + key.length + " bytes; it needs at least "
                    + MIN_KEY_BYTES + " (make one with: head -c 32 /dev/urandom | base64 > FILE)");
        }
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
    }

    /** The key as written in its file or variable: the text, without surrounding whitespace (a trailing newline is common). */
    public static ActionSeal ofKeyText(String text) {
        return new ActionSeal(text.strip().getBytes(StandardCharsets.UTF_8));
    }

    /** The record to send. */
    public byte[] seal(Action action) {
        String text = new String(WireCodec.encode(action), StandardCharsets.UTF_8);
        Map<String, Object> sealed = new LinkedHashMap<>();
        sealed.put("v", VERSION);
        sealed.put("action", text);
        sealed.put("hmac", HexFormat.of().formatHex(mac(text)));
        return WireCodec.encode(sealed);
    }

    /** The action a record carries, once its MAC proves it came from a holder of the key; otherwise throws saying why. */
    public Action open(byte[] record) throws DecodeException {
        JsonNode root = outer(record);
        JsonNode version = root.get("v");
        if (version == null || !version.isInt() || version.intValue() != VERSION) {
            throw new DecodeException(
                    "v",
                    "version " + (version == null ? "missing" : Name.printable(version.toString()))
                            + " is not supported (this build reads " + VERSION + ")");
        }
        String text = text(root, "action");
        String hmac = text(root, "hmac");
        byte[] claimed;
        try {
            claimed = HexFormat.of().parseHex(hmac);
        } catch (IllegalArgumentException e) {
            throw new DecodeException("hmac", "not hexadecimal");
        }
        if (!MessageDigest.isEqual(claimed, mac(text))) {
            throw new DecodeException(
                    "hmac", "does not match: the action was not sealed with this agent's key, or was altered");
        }
        return WireCodec.decode(text.getBytes(StandardCharsets.UTF_8), Action.class);
    }

    /**
     * The id and node a record claims, unverified: only to name a refused record in its result and
     * log line. Empty when even that cannot be read.
     */
    public static Optional<Claimed> claimed(byte[] record) {
        try {
            JsonNode action = WireCodec.json().readTree(text(outer(record), "action"));
            JsonNode id = action.get("id");
            JsonNode node = action.get("node");
            if (id != null
                    && id.isTextual()
                    && Name.isValid(id.textValue())
                    && node != null
                    && node.isTextual()
                    && Name.isValid(node.textValue())) {
                return Optional.of(new Claimed(id.textValue(), node.textValue()));
            }
        } catch (DecodeException | IOException e) {
            // nothing readable: empty
        }
        return Optional.empty();
    }

    /** What an unverified record says it is. */
    public record Claimed(String id, String node) {}

    private static JsonNode outer(byte[] record) throws DecodeException {
        if (record == null || record.length == 0) {
            throw new DecodeException("", "empty record");
        }
        JsonNode root;
        try {
            root = WireCodec.json().readTree(record);
        } catch (IOException e) {
            throw new DecodeException("", "not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new DecodeException("", "not a JSON object");
        }
        return root;
    }

    private static String text(JsonNode root, String field) throws DecodeException {
        JsonNode value = root.get(field);
        if (value == null || !value.isTextual()) {
            throw new DecodeException(field, value == null ? "is missing" : "must be a string");
        }
        return value.textValue();
    }

    private byte[] mac(String text) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
