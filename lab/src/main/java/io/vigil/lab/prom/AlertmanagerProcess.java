package io.vigil.lab.prom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real Alertmanager (Debian's prometheus-alertmanager package) on 127.0.0.1 with its default
 * grouping (no group_by, group_wait 30s, group_interval 5m, repeat_interval 4h): every alert to
 * one webhook receiver, resolves included. Alone, not in a cluster (no gossip port is opened).
 * Its config, data and log live in the directory it is given; it is killed at close.
 */
public final class AlertmanagerProcess implements AutoCloseable {
    private final ServerProcess server;

    private AlertmanagerProcess(ServerProcess server) {
        this.server = server;
    }

    public static AlertmanagerProcess start(Path dir, URI webhook) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("alertmanager.yml"), config(webhook), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Alertmanager's config could not be written in " + dir + " (" + e.getMessage() + ")", e);
        }
        return new AlertmanagerProcess(ServerProcess.start(
                "prometheus-alertmanager",
                "prometheus-alertmanager",
                port -> List.of(
                        "--config.file=" + dir.resolve("alertmanager.yml"),
                        "--storage.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port,
                        "--cluster.listen-address="),
                dir.resolve("alertmanager.log")));
    }

    /** One route to one webhook receiver, every timing Alertmanager's own default. */
    static String config(URI webhook) {
        return """
                route:
                  receiver: pager
                receivers:
                  - name: pager
                    webhook_configs:
                      - url: "%s"
                """.formatted(webhook);
    }

    /**
     * How many aggregation groups Alertmanager holds. A group's first notification waits
     * group_wait from the group's creation, so an alert that joins an older group is paged sooner.
     */
    public int groups() throws IOException, InterruptedException {
        return server.getJson("/api/v2/alerts/groups").size();
    }

    public URI url() {
        return server.url();
    }

    public String logTail() {
        return server.logTail();
    }

    @Override
    public void close() {
        server.close();
    }
}
