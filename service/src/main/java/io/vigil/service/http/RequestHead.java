package io.vigil.service.http;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A request's line and headers as read off the wire: the method, the path (percent-decoded), the
 * raw query, the headers by lower-case name, how many body bytes follow, and whether the client
 * waits for {@code 100 Continue} before sending them.
 */
record RequestHead(
        String method,
        String path,
        Optional<String> rawQuery,
        Map<String, List<String>> headers,
        long contentLength,
        boolean expectsContinue) {
    RequestHead {
        headers = Map.copyOf(headers);
    }
}
