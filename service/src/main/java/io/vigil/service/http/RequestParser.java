package io.vigil.service.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a request's line and headers (HTTP/1.0 and 1.1, RFC 9112) off a client's stream, within
 * bounds: a request line of at most 8 KiB, at most 100 header lines of at most 16 KiB together. A
 * body is taken with Content-Length only: a chunked one is refused with 411, as Vigil's clients
 * (Prometheus, the CLI, curl) send small documents of known length.
 */
final class RequestParser {
    static final int MAX_REQUEST_LINE = 8 * 1024;
    static final int MAX_HEADER_BYTES = 16 * 1024;
    static final int MAX_HEADERS = 100;
    /** Empty lines a client may send before its request line (RFC 9112 2.2 asks servers to skip at least one). */
    private static final int MAX_LEADING_EMPTY_LINES = 4;

    private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

    private RequestParser() {}

    /**
     * The next request's head, or empty when the client closed the connection before sending one.
     *
     * @throws EOFException the client closed the connection in the middle of the head
     * @throws RequestRefused the head is malformed or too large, with the status to answer
     */
    static Optional<RequestHead> read(InputStream in) throws IOException, RequestRefused {
        String requestLine = "";
        for (int empty = 0; requestLine.isEmpty(); empty++) {
            Optional<String> line = line(
                    in,
                    MAX_REQUEST_LINE,
                    new RequestRefused(414, "request line longer than " + MAX_REQUEST_LINE + " bytes"));
            if (line.isEmpty()) {
                return Optional.empty();
            }
            requestLine = line.get();
            if (requestLine.isEmpty() && empty == MAX_LEADING_EMPTY_LINES) {
                throw new RequestRefused(400, "no request line, only empty lines");
            }
        }
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3 || !isToken(parts[0]) || parts[1].isEmpty()) {
            throw new RequestRefused(400, "malformed request line (want METHOD /path HTTP/1.1)");
        }
        if (!parts[2].equals("HTTP/1.1") && !parts[2].equals("HTTP/1.0")) {
            throw parts[2].matches("HTTP/[0-9]\\.[0-9]")
                    ? new RequestRefused(505, "HTTP version " + parts[2].substring(5) + " not supported; use HTTP/1.1")
                    : new RequestRefused(400, "malformed request line (want METHOD /path HTTP/1.1)");
        }
        URI target = target(parts[1]);
        Map<String, List<String>> headers = headers(in);
        return Optional.of(new RequestHead(
                parts[0],
                target.getPath() == null || target.getPath().isEmpty() ? "/" : target.getPath(),
                Optional.ofNullable(target.getRawQuery()),
                headers,
                contentLength(headers),
                headers.getOrDefault("expect", List.of()).stream().anyMatch(e -> e.equalsIgnoreCase("100-continue"))));
    }

    /** Origin form ({@code /path?query}) as clients send it, or absolute form ({@code http://host/path}) as proxies do. */
    private static URI target(String raw) throws RequestRefused {
        try {
            URI uri = new URI(raw);
            if (raw.startsWith("/") || uri.isAbsolute() && uri.getRawPath() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // answered below, as any other target the endpoint cannot serve
        }
        throw new RequestRefused(400, "malformed request target (want /path, with %XX for special characters)");
    }

    private static Map<String, List<String>> headers(InputStream in) throws IOException, RequestRefused {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int bytes = 0;
        for (int count = 0; ; count++) {
            String line = line(
                            in,
                            MAX_HEADER_BYTES - bytes,
                            new RequestRefused(431, "headers longer than " + MAX_HEADER_BYTES + " bytes"))
                    .orElseThrow(() -> new EOFException("client closed in the headers"));
            if (line.isEmpty()) {
                return headers;
            }
            bytes += line.length() + 2;
            if (count == MAX_HEADERS) {
                throw new RequestRefused(431, "more than " + MAX_HEADERS + " header lines");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw new RequestRefused(
                        400, "malformed header line " + (count + 1) + " (want Name: value, on one line)");
            }
            headers.computeIfAbsent(line.substring(0, colon).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).strip());
        }
    }

    private static long contentLength(Map<String, List<String>> headers) throws RequestRefused {
        List<String> declared = headers.getOrDefault("content-length", List.of());
        if (headers.containsKey("transfer-encoding")) {
            throw declared.isEmpty()
                    ? new RequestRefused(411, "send the body with Content-Length (chunked bodies are not taken)")
                    : new RequestRefused(400, "both Content-Length and Transfer-Encoding given");
        }
        long length = -1;
        for (String value : declared) {
            for (String one : value.split(",", -1)) {
                String n = one.strip();
                if (n.isEmpty() || n.length() > 18 || !n.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new RequestRefused(400, "Content-Length is not a number of bytes");
                }
                if (length >= 0 && Long.parseLong(n) != length) {
                    throw new RequestRefused(400, "Content-Length given twice, differently");
                }
                length = Long.parseLong(n);
            }
        }
        return Math.max(length, 0);
    }

    /**
     * One line without its CR LF (a bare LF ends one too), read as ISO-8859-1; empty at the end of
     * the stream before any byte; {@code tooLong} past {@code max} bytes.
     */
    private static Optional<String> line(InputStream in, int max, RequestRefused tooLong)
            throws IOException, RequestRefused {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                if (line.size() == 0) {
                    return Optional.empty();
                }
                throw new EOFException("client closed in the middle of a line");
            }
            if (line.size() >= max) {
                throw tooLong;
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return Optional.of(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
    }

    private static boolean isToken(String s) {
        return !s.isEmpty()
                && s.chars()
                        .allMatch(c -> c >= 'a' && c <= 'z'
                                || c >= 'A' && c <= 'Z'
                                || c >= '0' && c <= '9'
                                || TOKEN_SYMBOLS.indexOf(c) >= 0);
    }
}
