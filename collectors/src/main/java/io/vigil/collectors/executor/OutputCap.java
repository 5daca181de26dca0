package io.vigil.collectors.executor;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A tool's output cut to fit a result: its head and its tail, because a tool's first lines tend to
 * say what it did and its last ones why it failed, with the number of bytes cut in between.
 */
final class OutputCap {
    private OutputCap() {}

    static String cap(String text, int maxBytes) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return text;
        }
        int half = maxBytes / 2;
        int cut = bytes.length - 2 * half;
        return decode(bytes, 0, half) + "\n[... " + cut + " bytes cut ...]\n"
                + decode(bytes, bytes.length - half, half);
    }

    /** Decodes a slice, dropping a character split at either edge rather than showing a replacement mark. */
    private static String decode(byte[] bytes, int offset, int length) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.IGNORE)
                .onUnmappableCharacter(CodingErrorAction.IGNORE);
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes, offset, length));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("a decoder that ignores errors threw", e);
        }
    }
}
