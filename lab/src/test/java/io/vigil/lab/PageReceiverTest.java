package io.vigil.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lab's pager: each sender on a URL of its own, its pages saying which; what is not a webhook payload is refused and kept out. */
class PageReceiverTest {
    private static final String FIRING = """
            {"version": "4", "status": "firing", "groupLabels": {"alertname": "DrbdLocalDiskLost"},
             "alerts": [{"status": "firing", "labels": {"alertname": "DrbdLocalDiskLost", "node": "node-a", "resource": "r0"}}]}""";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void eachPageSaysWhichSendersUrlItCameThrough() throws Exception {
        try (PageReceiver receiver = PageReceiver.start()) {
            assertEquals(200, post(receiver.url(), FIRING));
            assertEquals(200, post(receiver.url("alertmanager"), FIRING.replace("firing", "resolved")));
            assertEquals(404, post(URI.create(receiver.url() + "/Not..A/Sender"), FIRING));
            assertEquals(400, post(receiver.url("vigil"), "{\"no\": \"alerts\"}"));

            List<PageReceiver.Page> pages = receiver.pages();
            assertEquals(
                    List.of("", "alertmanager"),
                    pages.stream().map(PageReceiver.Page::via).toList());
            assertEquals(
                    List.of("firing", "resolved"),
                    pages.stream().map(PageReceiver.Page::status).toList());
            assertEquals("node-a", pages.get(1).labels().get("node"));
            assertEquals("DrbdLocalDiskLost", pages.get(1).alertname());
        }
    }

    @Test
    void aSendersNameIsAShortLowerCaseWord() {
        try (PageReceiver receiver = PageReceiver.start()) {
            IllegalArgumentException refused =
                    assertThrows(IllegalArgumentException.class, () -> receiver.url("../admin"));
            assertEquals(
                    "a sender's name is lower-case letters, digits and '-', at most 31: '../admin'",
                    refused.getMessage());
        }
    }

    private int post(URI url, String body) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(url)
                                .timeout(Duration.ofSeconds(5))
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
