package io.vigil.app;

import io.vigil.lab.control.LabControl;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil lab inject FAULT...}: sends one fault line to the lab running on this machine. */
@Command(
        name = "inject",
        mixinStandardHelpOptions = true,
        description = {
            "Injects a fault into the running lab (started with 'vigil lab' in another terminal).",
            "Faults: disk-fail NODE DEVICE, disk-replace NODE DEVICE, host-down NODE, host-up NODE, "
                    + "link-cut, link-restore, agent-hang NODE VM, agent-recover NODE VM."
        },
        footer = {"", "Example: vigil lab inject disk-fail node-a /dev/sda"})
final class LabInjectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FAULT", arity = "1..*", description = "the fault, as words")
    List<String> words;

    @Override
    public Integer call() throws IOException, InterruptedException {
        String url;
        try {
            url = Files.readString(LabControl.ADDRESS_FILE).strip();
        } catch (NoSuchFileException e) {
            spec.commandLine()
                    .getErr()
                    .println("vigil lab inject: no lab is running on this machine (start one with ./vigil lab)");
            spec.commandLine().getErr().flush();
            return 2;
        }
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpResponse<String> response;
        try {
            response = client.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(5))
                            .POST(HttpRequest.BodyPublishers.ofString(String.join(" ", words)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            spec.commandLine()
                    .getErr()
                    .println("vigil lab inject: the lab at " + url + " does not answer; is it still running?");
            spec.commandLine().getErr().flush();
            return 2;
        }
        java.io.PrintWriter answer = response.statusCode() == 200
                ? spec.commandLine().getOut()
                : spec.commandLine().getErr();
        answer.print(response.body());
        answer.flush();
        return response.statusCode() == 200 ? 0 : 1;
    }
}
