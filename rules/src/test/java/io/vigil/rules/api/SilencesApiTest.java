package io.vigil.rules.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.events.Silence;
import io.vigil.service.http.HttpEndpoint;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The silences API on a real HTTP endpoint on 127.0.0.1, writing to a list where the engine writes to its topic. */
@SuppressWarnings("deprecation")
class SilencesApiTest {
    private static final String TOKEN = "s3cret-token";
    private final List<Silence> written = new CopyOnWriteArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private HttpEndpoint endpoint;

    private void serve(Optional<String> token) {
        SilencesApi api = new SilencesApi(() -> List.copyOf(written), written::add, token, Clock.systemUTC());
        endpoint = HttpEndpoint.serve(
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                new InetSocketAddress("127.0.0.1", 0),
                Map.of("/api/silences", api.collection(), "/api/silences/", api.single()));
    }

    @AfterEach
    void close() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    private HttpResponse<String> post(String json, Optional<String> authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint.baseUrl() + "/api/silences"))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(json));
        authorization.ifPresent(a -> request.header("Authorization", a));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String silence(String matcher) {
        return "{\"matchers\": [" + matcher + "], \"duration\": \"1h\", \"createdBy\": \"ops\", \"comment\": \"test\"}";
    }

    @Test
    void theNinetyByteMatcherThatExhaustedTheHeapIsRefusedWith400SayingWhy() throws Exception {
        serve(Optional.empty());
        HttpResponse<String> refused = assertTimeoutPreemptively(
                Duration.ofSeconds(20),
                () -> post(silence("\"node=~\\\"((a{100}){100}){1000}\\\"\""), Optional.empty()));
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals(
                "node=~\"((a{100}){100}){1000}\": the regular expression for label node repeats a part 10000000 times"
                        + " (its nested counts multiplied); the limit is 1000, as in Alertmanager (use fewer or smaller counts)\n",
                refused.body());
        assertTrue(written.isEmpty());
    }

    @Test
    void aMatcherJustUnderTheLimitsIsAccepted() throws Exception {
        serve(Optional.empty());
        HttpResponse<String> accepted = post(
                silence("\"node=~\\\"(?:abcdefghi){1000}\\\"\", \"x=~\\\"((a{10}){10}){10}\\\"\""), Optional.empty());
        assertEquals(200, accepted.statusCode(), accepted.body());
        assertEquals(1, written.size());
    }

    @Test
    void theBearerSchemeIsCaseInsensitiveAsHttpSays() throws Exception {
        serve(Optional.of(TOKEN));
        for (String scheme : List.of("Bearer", "bearer", "BEARER", "bEaReR")) {
            HttpResponse<String> accepted = post(silence("\"node=node-a\""), Optional.of(scheme + " " + TOKEN));
            assertEquals(200, accepted.statusCode(), scheme + ": " + accepted.body());
        }
        assertEquals(
                200,
                post(silence("\"node=node-a\""), Optional.of("bearer   " + TOKEN + " "))
                        .statusCode(),
                "spaces around the token");
        for (String wrong : List.of("bearer wrong", "Basic " + TOKEN, "Bearer", TOKEN, "bearer" + TOKEN)) {
            HttpResponse<String> refused = post(silence("\"node=node-a\""), Optional.of(wrong));
            assertEquals(401, refused.statusCode(), wrong);
            assertEquals(
                    "Bearer", refused.headers().firstValue("WWW-Authenticate").orElseThrow());
        }
        assertEquals(401, post(silence("\"node=node-a\""), Optional.empty()).statusCode());
        assertEquals(5, written.size());
    }
}
