package io.vigil.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.vigil.events.Alert;
import io.vigil.events.AlertChange;
import io.vigil.events.AlertState;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.lab.Lab;
import io.vigil.lab.sim.FaultOutcome;
import io.vigil.lab.view.TopicFollower;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How long a dying disk takes to page someone, in the lab: each incident fails node-a's /dev/sda
 * and measures from that moment (the failure is in drbdsetup events2's output) to the moment a
 * local HTTP receiver has the page, split into its stages, then replaces the disk and waits for
 * the resolve before the next. Measured and printed; nothing here fails on time.
 */
@picocli.CommandLine.Command(name = "page", mixinStandardHelpOptions = true,
        description = "Disk failures injected into the lab, one at a time: time from the failure to the page at an HTTP receiver")
final class PageBench implements Callable<Integer> {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Spec
    CommandSpec spec;

    @Option(names = "--incidents", converter = AtLeastOne.class, description = "disk failures to inject (default ${DEFAULT-VALUE})")
    int incidents = 20;

    private record Received(long atMillis, JsonNode payload) {
    }

    /**
     * One disk failure: from the failure to the page, and its stages when the alert's record was
     * read back from vigil.alerts (the record holds the event's timestamp and the alert's).
     */
    record Incident(long total, Optional<Stages> stages) {
        static Incident of(long failedAt, long receivedAt, Optional<Alert> alert) {
            return new Incident(receivedAt - failedAt, alert.flatMap(a -> a.cause().map(c -> {
                long event = c.ts().toEpochMilli();
                long sent = a.sentAt().toEpochMilli();
                return new Stages(event - failedAt, sent - event, receivedAt - sent);
            })));
        }
    }

    /** Failure to the agent's event (its timestamp), event to the engine's alert (its sentAt), alert to the receiver. */
    record Stages(long failureToEvent, long eventToAlert, long alertToReceiver) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Received> pages = Collections.synchronizedList(new ArrayList<>());
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        receiver.createContext("/page", exchange -> {
            try (exchange) {
                long at = System.currentTimeMillis();
                pages.add(new Received(at, WireCodec.json().readTree(exchange.getRequestBody().readAllBytes())));
                exchange.sendResponseHeaders(200, -1);
            }
        });
        receiver.start();
        List<Alert> records = Collections.synchronizedList(new ArrayList<>());
        try (WorkDir dir = WorkDir.temporary("vigil-bench-page-");
             Lab lab = Lab.start(dir.path(), URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/page"));
             // every record of the alert, not only the newest as the lab's board keeps them: the one that fired is the figure
             TopicFollower<Alert> reader = new TopicFollower<>(lab.broker().bootstrapServers(), Topics.ALERTS,
                     b -> WireCodec.decode(b, Alert.class), a -> {
                         if (a.rule().equals("DrbdLocalDiskLost")) {
                             records.add(a);
                         }
                     }).start()) {
            out.printf(Locale.ROOT, "page bench: %d disk failures on node-a's /dev/sda in the lab, each undone before the next%n", incidents);
            out.flush();
            Condition.await(() -> lab.engine().notifying().orElse(false) && lab.picture().host("pair-1", "node-a").flatMap(h -> h.heartbeat()).isPresent()
                    && lab.picture().host("pair-1", "node-b").flatMap(h -> h.heartbeat()).isPresent(), Duration.ofSeconds(60), "the lab to settle");
            Thread.sleep(5_000);
            List<Incident> measured = new ArrayList<>();
            for (int i = 1; i <= incidents; i++) {
                int firingBefore = count(pages, "firing");
                int resolvedBefore = count(pages, "resolved");
                long t0 = System.currentTimeMillis();
                FaultOutcome failed = lab.inject("disk-fail node-a /dev/sda");
                if (!failed.applied()) {
                    spec.commandLine().getErr().println("vigil bench page: the fault was not applied: " + failed.message());
                    return 1;
                }
                Condition.await(() -> count(pages, "firing") > firingBefore, WAIT, "the page of incident " + i);
                long received = firstAfter(pages, "firing", firingBefore);
                measured.add(Incident.of(t0, received, waitForRecord(records, t0)));
                lab.inject("disk-replace node-a /dev/sda");
                Condition.await(() -> count(pages, "resolved") > resolvedBefore, WAIT, "the resolve of incident " + i);
                Thread.sleep(1_000);
                if (i % 5 == 0) {
                    out.printf(Locale.ROOT, "  ... %d of %d%n", i, incidents);
                    out.flush();
                }
            }
            out.print(report(measured));
            out.flush();
        } finally {
            receiver.stop(0);
        }
        return 0;
    }

    private static int count(List<Received> pages, String status) {
        synchronized (pages) {
            return (int) pages.stream().filter(p -> p.payload().path("status").asText().equals(status)
                    && p.payload().path("groupLabels").path("alertname").asText().equals("DrbdLocalDiskLost")).count();
        }
    }

    private static long firstAfter(List<Received> pages, String status, int skip) {
        synchronized (pages) {
            return pages.stream().filter(p -> p.payload().path("status").asText().equals(status)
                    && p.payload().path("groupLabels").path("alertname").asText().equals("DrbdLocalDiskLost"))
                    .skip(skip).findFirst().orElseThrow().atMillis();
        }
    }

    private static Optional<Alert> waitForRecord(List<Alert> records, long t0) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (System.currentTimeMillis() < deadline) {
            synchronized (records) {
                Optional<Alert> found = records.stream().filter(a -> a.state() == AlertState.FIRING && a.change() == AlertChange.STATE
                        && a.cause().map(c -> c.ts().toEpochMilli() >= t0 - 50).orElse(false))
                        .min((a, b) -> a.cause().get().ts().compareTo(b.cause().get().ts()));
                if (found.isPresent()) {
                    return found;
                }
            }
            Thread.sleep(20);
        }
        return Optional.empty();
    }

    /** The figures: the whole way for every incident, the stages for those whose alert record was read back. */
    static String report(List<Incident> measured) {
        List<Stages> staged = measured.stream().flatMap(i -> i.stages().stream()).toList();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "  failure in events2 -> page at the receiver:      %s (target p99 < 1 s)%n",
                Percentiles.of(measured.stream().map(Incident::total).toList())));
        if (staged.size() < measured.size()) {
            out.append(String.format(Locale.ROOT, "    %d of %d incidents without an alert record read back: left out of the stages%n",
                    measured.size() - staged.size(), measured.size()));
        }
        out.append(String.format(Locale.ROOT, "    failure to the agent's event (its timestamp): %s%n", stage(staged, Stages::failureToEvent)));
        out.append(String.format(Locale.ROOT, "    event to alert (the engine's sentAt):         %s%n", stage(staged, Stages::eventToAlert)));
        out.append(String.format(Locale.ROOT, "    alert to receiver (the notifier):             %s%n", stage(staged, Stages::alertToReceiver)));
        return out.toString();
    }

    private static String stage(List<Stages> staged, java.util.function.ToLongFunction<Stages> figure) {
        return Percentiles.of(staged.stream().map(figure::applyAsLong).toList());
    }

}
