package io.vigil.service.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The text of a config or rule file, read strictly as UTF-8: a directory, or bytes that are not
 * UTF-8 (a file saved as Latin-1, a binary given by mistake), is a {@link ConfigException} naming
 * the file and, for bad bytes, the line, byte offset and byte, rather than an exception from deep
 * in the JDK ("Input length = 1"). A file that does not exist or may not be read stays an
 * {@link IOException} ({@link java.nio.file.NoSuchFileException}, {@link java.nio.file.AccessDeniedException})
 * for the caller to word.
 */
public final class ConfigText {
    private ConfigText() {}

    /** Reads {@code file}; problems name it as given. */
    public static String read(Path file) throws ConfigException, IOException {
        String source = file.toString();
        if (Files.isDirectory(file)) {
            throw new ConfigException(
                    source,
                    List.of(new ConfigProblem(0, "", "is a directory, not a config file (give the file itself)")));
        }
        return decode(source, Files.readAllBytes(file));
    }

    /** {@code bytes} as UTF-8 text; {@code source} names them in the problem. */
    public static String decode(String source, byte[] bytes) throws ConfigException {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never decodes to more chars than bytes
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw notUtf8(source, bytes, in.position());
        }
        return out.flip().toString();
    }

    private static ConfigException notUtf8(String source, byte[] bytes, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        String problem = String.format(
                "not UTF-8 text: byte 0x%02X at byte offset %d (column %d); save the file as UTF-8",
                bytes[offset] & 0xff, offset, offset - lineStart + 1);
        return new ConfigException(source, List.of(new ConfigProblem(line, "", problem)));
    }
}
