package io.vigil.app;

import io.vigil.events.Name;
import io.vigil.events.WireCodec;
import io.vigil.service.terminal.TerminalText;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vigil approve SAGA}: lets a failover waiting for approval act, a held one go on, a stuck one try its step again. */
@Command(name = "approve", mixinStandardHelpOptions = true,
        description = {"Approves a failover: one that waits for approval (mode approve) acts, one held by the flap guard goes on,",
                "one stuck on a step tries it again. The engine acts on it in order with the cluster's telemetry; vigil sagas shows it."},
        footer = {"", "Example: vigil approve pair-1:r0:3 --token-file /etc/vigil/engine.token"})
final class ApproveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    EngineApi api;

    @Parameters(paramLabel = "SAGA", description = "the saga's id, as vigil sagas shows it (cluster:resource:number)")
    String saga;

    @Option(names = "--by", paramLabel = "NAME", description = "who approves, for the audit trail (default: $USER)")
    String by = System.getProperty("user.name", "unknown");

    @Override
    public Integer call() throws Exception {
        if (!Name.isValid(saga)) {
            spec.commandLine().getErr().println("vigil approve: '" + Name.printable(saga) + "' is not a saga id (vigil sagas shows them)");
            return 2;
        }
        if (!Name.isValid(by)) {
            spec.commandLine().getErr().println("vigil approve: --by '" + Name.printable(by) + "' is not a name (letters, digits, _ . + : -)");
            return 2;
        }
        String body = WireCodec.json().writeValueAsString(WireCodec.json().createObjectNode().put("by", by));
        Optional<String> answer = api.call("POST", "/api/sagas/" + saga + "/approve", body, "vigil approve", spec.commandLine().getErr());
        if (answer.isEmpty()) {
            return 1;
        }
        var command = WireCodec.json().readTree(answer.get());
        spec.commandLine().getOut().println("approval of " + saga + " (" + TerminalText.of(command.path("cluster").asText()) + "/"
                + TerminalText.of(command.path("resource").asText()) + ") sent by " + by + "; vigil sagas shows what it does");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
