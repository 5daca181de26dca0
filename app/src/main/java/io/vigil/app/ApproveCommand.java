package io.vigil.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.events.Name;
import io.vigil.events.WireCodec;
import io.vigil.service.terminal.TerminalText;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil approve SAGA}: lets a failover waiting for approval act, a held one go on, a stuck one try its step again. */
@Command(
        name = "approve",
        mixinStandardHelpOptions = true,
        description = {
            "Approves a failover: one that waits for approval (mode approve) acts, one held by the flap guard goes on, "
                    + "one stuck on a step tries it again. The engine acts on it in order with the cluster's telemetry; vigil sagas shows it."
        },
        footer = {"", "Example: vigil approve pair-1:r0:3 --token-file /etc/vigil/engine.token"})
final class ApproveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    EngineApi api;

    @Parameters(paramLabel = "SAGA", description = "the saga's id, as vigil sagas shows it (cluster:resource:number)")
    String saga;

    @Mixin
    AskedBy askedBy;

    @Override
    public Integer call() throws Exception {
        if (!Name.isValid(saga)) {
            spec.commandLine()
                    .getErr()
                    .println("vigil approve: '" + Name.printable(saga) + "' is not a saga id (vigil sagas shows them)");
            return 2;
        }
        Optional<String> asker =
                askedBy.name("vigil approve", spec.commandLine().getErr());
        if (asker.isEmpty()) {
            return 2;
        }
        String by = asker.get();
        String body = WireCodec.json()
                .writeValueAsString(WireCodec.json().createObjectNode().put("by", by));
        Optional<JsonNode> answer = api.callJson(
                "POST",
                "/api/sagas/" + saga + "/approve",
                body,
                "vigil approve",
                spec.commandLine().getErr());
        if (answer.isEmpty()) {
            return 1;
        }
        JsonNode command = answer.get();
        spec.commandLine()
                .getOut()
                .println("approval of " + saga + " ("
                        + TerminalText.of(command.path("cluster").asText()) + "/"
                        + TerminalText.of(command.path("resource").asText()) + ") sent by " + by
                        + "; vigil sagas shows what it does");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
