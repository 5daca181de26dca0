package io.vigil.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.events.Name;
import io.vigil.events.WireCodec;
import io.vigil.service.terminal.TerminalText;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil failback RESOURCE}: asks a failed-over resource to go home once both sides are UpToDate. */
@Command(
        name = "failback",
        mixinStandardHelpOptions = true,
        description = {
            "Asks for the failback of a resource whose failover is in progress: once its failed side is UpToDate again, "
                    + "its VMs live-migrate home. Without --cluster, the cluster is the one whose failover of RESOURCE is in progress; "
                    + "when several are, --cluster says which."
        },
        footer = {"", "Example: vigil failback r0 --cluster pair-1 --token-file /etc/vigil/engine.token"})
final class FailbackCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    EngineApi api;

    @Parameters(paramLabel = "RESOURCE", description = "the DRBD resource")
    String resource;

    @Option(
            names = "--cluster",
            paramLabel = "CLUSTER",
            description = "the resource's cluster (needed when several fail it over)")
    String cluster;

    @Mixin
    AskedBy askedBy;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        for (String[] named : new String[][] {{"RESOURCE", resource}, {"--cluster", cluster}}) {
            if (named[1] != null && !Name.isValid(named[1])) {
                err.println("vigil failback: " + named[0] + " '" + Name.printable(named[1])
                        + "' is not a name (letters, digits, _ . + : -)");
                return 2;
            }
        }
        Optional<String> asker = askedBy.name("vigil failback", err);
        if (asker.isEmpty()) {
            return 2;
        }
        String by = asker.get();
        String where = cluster;
        if (where == null) {
            Optional<JsonNode> sagas = api.callJson("GET", "/api/sagas", null, "vigil failback", err);
            if (sagas.isEmpty()) {
                return 1;
            }
            TreeSet<String> clusters = new TreeSet<>();
            for (JsonNode s : sagas.get().path("sagas")) {
                if (s.path("current").asBoolean() && s.path("resource").asText().equals(resource)) {
                    clusters.add(s.path("cluster").asText());
                }
            }
            if (clusters.isEmpty()) {
                err.println("vigil failback: no failover of " + resource + " is in progress (vigil sagas lists them)");
                return 1;
            }
            if (clusters.size() > 1) {
                err.println("vigil failback: " + resource + " is failing over in "
                        + TerminalText.of(String.join(", ", clusters)) + ": say which with --cluster");
                return 2;
            }
            where = clusters.first();
            if (!Name.isValid(where)) {
                err.println("vigil failback: the engine named a cluster '" + Name.printable(where)
                        + "' that is not a name; give --cluster");
                return 1;
            }
        }
        String body = WireCodec.json()
                .writeValueAsString(WireCodec.json().createObjectNode().put("by", by));
        if (api.call("POST", "/api/failback/" + where + "/" + resource, body, "vigil failback", err)
                .isEmpty()) {
            return 1;
        }
        spec.commandLine()
                .getOut()
                .println("failback of " + TerminalText.of(where) + "/" + resource + " requested by " + by
                        + "; it goes home once both sides are UpToDate (vigil sagas shows it)");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
