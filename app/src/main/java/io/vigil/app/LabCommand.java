package io.vigil.app;

import io.vigil.cli.UntilStopped;
import io.vigil.lab.Lab;
import io.vigil.lab.ScheduledFault;
import io.vigil.lab.control.LabControl;
import io.vigil.lab.view.ClusterScreen;
import io.vigil.lab.view.LabSummary;
import io.vigil.service.config.DurationText;
import io.vigil.sim.Fault;
import io.vigil.sim.FaultOutcome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil lab}: broker, two simulated hosts and their agents in this JVM, and a live view of the pair. */
@Command(
        name = "lab",
        mixinStandardHelpOptions = true,
        subcommands = {LabInjectCommand.class, LabChaosCommand.class},
        description = {
            "Runs the lab: a Kafka broker in process, two simulated DRBD hosts (node-a, node-b) with one "
                    + "agent each, and a live view of the pair as read back from Kafka. Type a fault at the prompt "
                    + "(or run 'vigil lab inject FAULT' in another terminal); 'help' lists them, 'quit' stops."
        },
        footer = {
            "",
            "Examples:",
            "  vigil lab",
            "  vigil lab --duration 30s --json",
            "  vigil lab --duration 40s --fault '10s=disk-fail node-a /dev/sda' --fault '25s=disk-replace node-a /dev/sda'",
            "  vigil lab --scenario disk-failure",
            "  vigil lab --scenario node-crash --json",
            "  vigil lab --scenario engine-restart --live",
            "  vigil lab --list-scenarios"
        })
final class LabCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            description = "stop after this long (e.g. 30s, 2m); default: until 'quit' or Ctrl-C")
    Duration duration;

    @Option(
            names = "--json",
            description = "print no live view; at the end print one JSON object summing up what was seen per host")
    boolean json;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description =
                    "keep the broker's data and the agents' spools here (default: a temporary directory, removed at exit)")
    Path dataDir;

    @Option(
            names = "--fault",
            paramLabel = "AT=FAULT",
            description = "inject FAULT at AT after the start, e.g. '10s=disk-fail node-a /dev/sda'; repeatable")
    List<String> faults = new ArrayList<>();

    @Option(
            names = "--scenario",
            paramLabel = "NAME",
            description =
                    "play a story unattended on the simulated clock and print its timeline"
                            + " (--json: a summary); NAME is a shipped scenario (--list-scenarios) or the path of a scenario folder")
    String scenario;

    @Option(
            names = "--live",
            description =
                    "with --scenario: play it on the live lab instead, on the wall clock: the real broker stopped"
                            + " and started, the engine in a JVM of its own killed with SIGKILL, pages through the notifier to a receiver")
    boolean live;

    @Option(names = "--list-scenarios", description = "list the shipped scenarios and exit")
    boolean listScenarios;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (listScenarios) {
            ScenarioPlay.list(spec.commandLine().getOut());
            return 0;
        }
        if (live && scenario == null) {
            err.println("vigil lab: --live plays a scenario on the live lab; give it one with --scenario NAME");
            return 2;
        }
        if (scenario != null) {
            if (duration != null || !faults.isEmpty()) {
                err.println(
                        "vigil lab: --scenario plays its own schedule for its own time; leave out --duration and --fault");
                return 2;
            }
            // the story's own log lines would bury its timeline: they go to the work directory
            try (WorkDir dir = WorkDir.givenOrTemporary(dataDir, "vigil-scenario-")) {
                LabLog.toFile(dir.path().resolve("scenario.log"));
                return ScenarioPlay.play(
                        scenario, live, json, dir.path(), spec.commandLine().getOut(), err);
            }
        }
        Optional<Duration> runFor = Optional.ofNullable(duration);
        // every fault is checked before anything starts: one that could never apply is refused here, not dropped later
        List<ScheduledFault> schedule = new ArrayList<>();
        for (String text : faults) {
            try {
                ScheduledFault fault = ScheduledFault.parse(text);
                if (runFor.isPresent() && fault.at().compareTo(runFor.get()) >= 0) {
                    throw new IllegalArgumentException("due at " + DurationText.format(fault.at())
                            + ", when the lab has stopped (--duration " + DurationText.format(runFor.get()) + ")");
                }
                schedule.add(fault);
            } catch (IllegalArgumentException e) {
                err.println("vigil lab: --fault '" + text + "': " + e.getMessage());
                return 2;
            }
        }
        // installed first and closed last: a SIGTERM waits until the lab is closed and its temporary data removed
        try (UntilStopped running = UntilStopped.install("lab");
                WorkDir dir = WorkDir.givenOrTemporary(dataDir, "vigil-lab-")) {
            run(dir.path(), running, runFor, schedule);
        }
        return 0;
    }

    private void run(Path dir, UntilStopped running, Optional<Duration> runFor, List<ScheduledFault> schedule)
            throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean live = !json && System.console() != null;
        if (live) {
            // the screen is redrawn in place; log lines would tear it, so they go to a file
            LabLog.toFile(dir.resolve("lab.log"));
        }
        err.println("vigil lab: starting a Kafka broker and two simulated hosts (data in " + dir + ")...");
        err.flush();
        AtomicReference<String> lastOutcome = new AtomicReference<>("type 'help' for the faults you can inject");
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "lab-timers");
            t.setDaemon(true);
            return t;
        });
        try (Lab lab = Lab.start(dir);
                LabControl control = new LabControl(line -> {
                    FaultOutcome outcome = lab.inject(line);
                    lastOutcome.set(line + ": " + outcome.message());
                    return outcome;
                })) {
            for (ScheduledFault f : schedule) {
                timers.schedule(
                        () -> {
                            FaultOutcome outcome = lab.inject(f.fault());
                            lastOutcome.set(f.fault().command() + ": " + outcome.message());
                            if (!live && !json) {
                                err.println("vigil lab: " + f.fault().command()
                                        + (outcome.applied() ? ": " : ": REFUSED: ") + outcome.message());
                            }
                        },
                        f.at().toMillis(),
                        TimeUnit.MILLISECONDS);
            }
            runFor.ifPresent(d -> timers.schedule(running::stop, d.toMillis(), TimeUnit.MILLISECONDS));
            String urls = String.join(
                            "\n",
                            lab.agents().stream()
                                    .map(a -> "  " + a.node() + " /metrics: " + a.metricsUrl())
                                    .toList())
                    + "\n  engine /metrics: " + lab.engine().apiUrl() + "/metrics, alerts: "
                    + lab.engine().apiUrl() + "/api/alerts"
                    // the lab's engine has a token (the failover needs one): the commands that change something take
                    // its file
                    + "\n  silences: ./vigil silence list --engine "
                    + lab.engine().apiUrl() + " (add, expire: --token-file "
                    + lab.failover().apiToken() + ")"
                    + "\n  sagas: ./vigil sagas --engine " + lab.engine().apiUrl()
                    + "   audit: ./vigil audit --bootstrap " + lab.broker().bootstrapServers()
                    + "\n  approve, failback: ./vigil approve SAGA (or failback RESOURCE) --engine "
                    + lab.engine().apiUrl()
                    + " --token-file " + lab.failover().apiToken()
                    + "\n  history (kept in the data directory): ./vigil history resyncs --since 7d --engine "
                    + lab.engine().apiUrl();
            if (!json) {
                out.println("metrics:\n" + urls);
                out.println(
                        "inject faults at the prompt, or from another terminal: ./vigil lab inject disk-fail node-a /dev/sda");
                out.flush();
                readFaultsFromStdin(lab, lastOutcome, running);
            }
            if (live) {
                timers.scheduleAtFixedRate(
                        () -> {
                            out.print("\033[H\033[2J");
                            out.print(ClusterScreen.render(
                                    lab.picture(),
                                    lab.alerts(),
                                    lab.sagas(),
                                    lab.pages(),
                                    lab.faults(),
                                    Instant.now()));
                            out.println();
                            out.println(urls);
                            out.println("control: " + control.url() + "   log: " + dir.resolve("lab.log"));
                            out.println("last: " + lastOutcome.get());
                            out.print("fault> ");
                            out.flush();
                        },
                        0,
                        1,
                        TimeUnit.SECONDS);
            } else if (!json) {
                timers.scheduleAtFixedRate(
                        () -> {
                            out.println("---- " + Instant.now() + "\n"
                                    + ClusterScreen.render(
                                            lab.picture(),
                                            lab.alerts(),
                                            lab.sagas(),
                                            lab.pages(),
                                            lab.faults(),
                                            Instant.now()));
                            out.flush();
                        },
                        10,
                        10,
                        TimeUnit.SECONDS);
            }
            running.await();
            timers.shutdownNow();
            if (json) {
                out.println(io.vigil.events.EnvelopeCodec.json()
                        .writeValueAsString(LabSummary.of(
                                lab.picture(), lab.alerts(), lab.sagas(), lab.pages(), lab.faults(), lab.uptime())));
            } else {
                out.println((live ? "\n" : "")
                        + ClusterScreen.render(
                                lab.picture(), lab.alerts(), lab.sagas(), lab.pages(), lab.faults(), Instant.now()));
            }
            out.flush();
        } finally {
            timers.shutdownNow();
        }
    }

    private static void readFaultsFromStdin(Lab lab, AtomicReference<String> lastOutcome, UntilStopped running) {
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader in =
                            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                        for (String line = in.readLine(); line != null; line = in.readLine()) {
                            String command = line.strip();
                            if (command.isEmpty()) {
                                continue;
                            }
                            if (command.equals("quit") || command.equals("exit")) {
                                running.stop();
                                return;
                            }
                            if (command.equals("help")) {
                                lastOutcome.set("\n" + Fault.HELP);
                                continue;
                            }
                            lastOutcome.set(command + ": " + lab.inject(command).message());
                        }
                    } catch (IOException e) {
                        // standard input closed: the lab runs on until its duration or Ctrl-C
                    }
                },
                "lab-prompt");
        reader.setDaemon(true);
        reader.start();
    }
}
