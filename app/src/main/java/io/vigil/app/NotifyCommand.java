package io.vigil.app;

import io.vigil.cli.ConfigFile;
import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.rules.config.EngineConfig;
import io.vigil.rules.config.EngineConfigLoader;
import io.vigil.rules.notify.Notification;
import io.vigil.rules.notify.NotifyConfig;
import io.vigil.rules.notify.OwnAlert;
import io.vigil.rules.notify.Receiver;
import io.vigil.rules.notify.Receiver.Outcome;
import io.vigil.rules.notify.ReceiverSpec;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil notify test RECEIVER}: one test notification through a receiver of engine.yaml, and what it answered. */
@Command(
        name = "notify",
        mixinStandardHelpOptions = true,
        description = "Tries the notification receivers of an engine config.",
        subcommands = NotifyCommand.Test.class)
final class NotifyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "test",
            mixinStandardHelpOptions = true,
            description = {
                "Sends one test notification (a firing alert named VigilTestNotification, severity info) through "
                        + "RECEIVER as the engine would, once, without retries, and prints what the receiver answered."
            },
            footer = {"", "Example: vigil notify test pager --config /etc/vigil/engine.yaml"})
    static final class Test implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "RECEIVER", description = "a receiver's name in the config's notify.receivers")
        String receiver;

        @Mixin
        ConfigFile config;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Optional<EngineConfig> loaded = config.load(EngineConfigLoader::load, "deploy/engine.yaml");
            if (loaded.isEmpty()) {
                return 2;
            }
            EngineConfig engine = loaded.get();
            Optional<NotifyConfig> notify = engine.notifications();
            Optional<ReceiverSpec> spec = notify.flatMap(n -> n.receiver(receiver));
            if (spec.isEmpty()) {
                err.println("vigil notify test: " + config.path() + " has no receiver '" + receiver + "'"
                        + notify.map(n -> " (receivers: "
                                        + n.receivers().stream()
                                                .map(ReceiverSpec::name)
                                                .toList() + ")")
                                .orElse(" (it has no notify: section)"));
                return 2;
            }
            Receiver target = spec.get().receiver(line -> out.println(line));
            Alert alert = testAlert(Instant.now());
            Notification n = new Notification(
                    receiver,
                    "vigil-notify-test",
                    Map.of("alertname", alert.rule()),
                    List.of(alert),
                    List.of(),
                    notify.get().externalUrl());
            out.println("sending a test notification through " + receiver + " ("
                    + spec.get().getClass().getSimpleName().replace("Spec", "") + ")...");
            out.flush();
            Outcome outcome = target.deliver(n);
            if (outcome instanceof Outcome.Delivered d) {
                out.println("delivered: " + d.answer());
                out.flush();
                return 0;
            }
            err.println(
                    outcome instanceof Outcome.Refused r
                            ? "refused (not worth a retry): " + r.why()
                            : "not delivered (the engine would retry): " + ((Outcome.Retry) outcome).why());
            err.flush();
            return 1;
        }

        static Alert testAlert(Instant now) {
            return OwnAlert.of(
                    Map.of("alertname", "VigilTestNotification", "severity", "info"),
                    Map.of("summary", "a test notification from vigil notify test; nothing is wrong"),
                    AlertState.FIRING,
                    1,
                    now,
                    now);
        }
    }
}
