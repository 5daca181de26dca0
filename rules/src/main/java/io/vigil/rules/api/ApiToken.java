package io.vigil.rules.api;

import io.vigil.service.http.HttpEndpoint.Reply;
import io.vigil.service.http.HttpEndpoint.Request;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

/**
 * The engine's API token ({@code http.token_file}): when one is configured, every request that
 * changes something (silences, failover commands) must carry {@code Authorization: Bearer TOKEN}.
 */
final class ApiToken {
    private final Optional<String> token;

    ApiToken(Optional<String> token) {
        // "Authorization: Bearer " with nothing after it would match a blank token (the header's token is stripped)
        if (token.isPresent() && token.get().isBlank()) {
            throw new IllegalArgumentException(
                    "the API token is empty: it would let anyone change silences and send failover commands"
                            + " (put a random secret in http.token_file)");
        }
        this.token = token;
    }

    /** The 401 to answer when {@code request} lacks the token; empty when it may go on. {@code doing}: "changing silences". */
    Optional<Reply> refuse(Request request, String doing) {
        if (token.isEmpty()) {
            return Optional.empty();
        }
        String given =
                request.header("Authorization").flatMap(ApiToken::bearerToken).orElse("");
        // compared in constant time: the time taken says nothing about how much of a guess was right
        boolean ok = MessageDigest.isEqual(
                given.getBytes(StandardCharsets.UTF_8), token.get().getBytes(StandardCharsets.UTF_8));
        return ok
                ? Optional.empty()
                : Optional.of(new Reply(
                        401,
                        "text/plain; charset=utf-8",
                        (doing + " needs Authorization: Bearer TOKEN (the engine's http.token_file)\n")
                                .getBytes(StandardCharsets.UTF_8),
                        Map.of("WWW-Authenticate", "Bearer")));
    }

    /** The token of {@code Bearer TOKEN}; the scheme's case does not matter (RFC 7235: {@code bearer} is as good). */
    private static Optional<String> bearerToken(String authorization) {
        String credentials = authorization.strip();
        int space = credentials.indexOf(' ');
        if (space < 0 || !credentials.substring(0, space).equalsIgnoreCase("Bearer")) {
            return Optional.empty();
        }
        return Optional.of(credentials.substring(space + 1).strip());
    }
}
