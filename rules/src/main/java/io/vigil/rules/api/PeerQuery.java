package io.vigil.rules.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.events.WireCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Asks another engine instance's API for what it holds ({@code /api/alerts?local=true}), so that
 * any instance answers for the whole engine. A peer that does not answer 200 in time is empty: the
 * caller names it as unreachable.
 */
final class PeerQuery {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** {@code peer}: host:port; {@code pathAndQuery}: "/api/alerts?local=true". */
    Optional<JsonNode> get(String peer, String pathAndQuery) {
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create("http://" + peer + pathAndQuery))
                    .timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            return Optional.of(WireCodec.json().readTree(response.body()));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
