package io.vigil.rules.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.events.WireCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Asks the other engine instances' APIs for what they hold ({@code /api/alerts?local=true}), so that
 * any instance answers for the whole engine. The peers are asked all at once, each within its
 * timeout: a slow or dead peer costs the answer at most that long, however many there are. A peer
 * that does not answer 200 in time is empty: the caller names it as unreachable.
 */
final class PeerQuery {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final Duration timeout;
    private final HttpClient http;

    PeerQuery() {
        this(TIMEOUT);
    }

    /** {@code timeout}: the longest one peer may take to connect and answer. */
    PeerQuery(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** {@code peers}: host:port each; {@code pathAndQuery}: "/api/alerts?local=true". What each answered, in the peers' order. */
    Map<String, Optional<JsonNode>> askAll(List<String> peers, String pathAndQuery) {
        Map<String, CompletableFuture<Optional<JsonNode>>> asked = new LinkedHashMap<>();
        for (String peer : peers) {
            asked.put(peer, ask(peer, pathAndQuery));
        }
        Map<String, Optional<JsonNode>> answers = new LinkedHashMap<>();
        asked.forEach((peer, answer) -> answers.put(peer, answer.join()));
        return answers;
    }

    private CompletableFuture<Optional<JsonNode>> ask(String peer, String pathAndQuery) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create("http://" + peer + pathAndQuery))
                    .timeout(timeout)
                    .GET()
                    .build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        // the request's timeout covers the wait for the headers; this one also a body that never ends
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(PeerQuery::read)
                .completeOnTimeout(Optional.empty(), timeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(e -> Optional.empty());
    }

    private static Optional<JsonNode> read(HttpResponse<byte[]> response) {
        if (response.statusCode() != 200) {
            return Optional.empty();
        }
        try {
            return Optional.of(WireCodec.json().readTree(response.body()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
