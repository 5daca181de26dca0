package io.vigil.rules.notify;

import io.vigil.rules.notify.Receiver.Outcome;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One JSON POST to a receiver's HTTP endpoint, and what its answer means: 2xx delivered; 429 and
 * 5xx (and no answer at all) worth a retry; any other 4xx refused for good, with the body, which
 * says why. Shared by every receiver that speaks HTTP.
 */
public final class HttpPost {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private static final int MAX_ANSWER = 500;

    private HttpPost() {}

    public static Outcome json(URI url, byte[] body, Map<String, String> headers, Duration timeout)
            throws InterruptedException {
        HttpRequest request;
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(url)
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "vigil")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(builder::header);
            request = builder.build();
        } catch (IllegalArgumentException e) {
            // the message may quote a header's value, a token: not repeated
            return new Outcome.Refused("no request can be made to " + redacted(url) + " with headers "
                    + headers.keySet() + ": the URL or a header value is not valid; check the receiver's secrets");
        }
        HttpResponse<String> response;
        try {
            response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Outcome.Retry("no answer from " + redacted(url) + ": " + e);
        }
        String answer = response.statusCode() + " " + clip(response.body());
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return new Outcome.Delivered(answer);
        }
        if (status == 429 || status >= 500) {
            return new Outcome.Retry(redacted(url) + " answered " + answer);
        }
        return new Outcome.Refused(redacted(url) + " answered " + answer);
    }

    /** The Authorization header of a bearer token, if there is one. */
    public static Map<String, String> bearer(Optional<Secret> token) {
        return token.map(t -> Map.of("Authorization", "Bearer " + t.reveal())).orElse(Map.of());
    }

    /** The URL without its path and query, which may hold a token (Slack's incoming webhooks do). */
    public static String redacted(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "") + "/...";
    }

    private static String clip(String body) {
        String oneLine = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        return oneLine.length() > MAX_ANSWER ? oneLine.substring(0, MAX_ANSWER) + "..." : oneLine;
    }
}
