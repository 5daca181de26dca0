package io.vigil.lab.control;

import io.vigil.service.http.HttpEndpoint;
import io.vigil.service.http.HttpEndpoint.Reply;
import io.vigil.service.http.HttpEndpoint.Request;
import io.vigil.sim.FaultOutcome;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Lets {@code vigil lab inject ...} in another terminal reach the running lab: a small HTTP
 * endpoint on 127.0.0.1 that takes one fault line per POST, and a file that says where it is.
 * It is Vigil's own {@link HttpEndpoint}, with its limits on slow and greedy clients.
 */
public final class LabControl implements AutoCloseable {
    /** Where a running lab says its control address is; one lab per user at a time owns it. */
    public static final Path ADDRESS_FILE = Path.of(
            System.getProperty("java.io.tmpdir"), "vigil-lab-" + System.getProperty("user.name", "user") + ".url");

    static final int MAX_LINE = 512;

    private final HttpEndpoint endpoint;
    private final String url;

    public LabControl(Function<String, FaultOutcome> injector) throws IOException {
        endpoint = HttpEndpoint.serve(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Map.of("/faults", request -> inject(request, injector)));
        url = endpoint.baseUrl() + "/faults";
        try {
            Files.writeString(ADDRESS_FILE, url + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            endpoint.close();
            throw e;
        }
    }

    public String url() {
        return url;
    }

    private static Reply inject(Request request, Function<String, FaultOutcome> injector) {
        if (!request.method().equals("POST")) {
            return new Reply(
                    405,
                    "text/plain; charset=utf-8",
                    "POST one fault line, e.g. 'disk-fail node-a /dev/sda'\n".getBytes(StandardCharsets.UTF_8),
                    Map.of("Allow", "POST"));
        }
        if (request.body().length > MAX_LINE) {
            return Reply.text(413, "a fault line is at most " + MAX_LINE + " bytes\n");
        }
        FaultOutcome outcome = injector.apply(new String(request.body(), StandardCharsets.UTF_8).strip());
        return Reply.text(outcome.applied() ? 200 : 422, outcome.message() + "\n");
    }

    @Override
    public void close() {
        endpoint.close();
        try {
            if (Files.readString(ADDRESS_FILE).strip().equals(url)) {
                Files.deleteIfExists(ADDRESS_FILE);
            }
        } catch (IOException e) {
            // another lab took the file over, or it is gone already: nothing to clean up
        }
    }
}
