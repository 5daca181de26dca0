package io.vigil.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.events.Name;
import io.vigil.events.WireCodec;
import io.vigil.service.config.DurationText;
import io.vigil.service.terminal.TerminalText;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vigil silence}: silences and maintenance windows, through any engine instance's API. */
@Command(name = "silence", mixinStandardHelpOptions = true,
        description = "Adds, lists and expires silences and maintenance windows through an engine's API.",
        subcommands = {SilenceCommand.Add.class, SilenceCommand.ListSilences.class, SilenceCommand.Expire.class})
final class SilenceCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the engine is and how to prove who asks. */
    static final class EngineApi {
        @Option(names = "--engine", paramLabel = "URL", defaultValue = "http://127.0.0.1:9465", converter = HttpUrl.class,
                description = "an engine instance's API (default: ${DEFAULT-VALUE})")
        URI url;

        @Option(names = "--token-file", paramLabel = "FILE", converter = TokenFile.class,
                description = "the engine's http.token_file, when it has one")
        BearerToken token;

        HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.toString().replaceAll("/+$", "") + path))
                    .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (token != null) {
                request.header("Authorization", "Bearer " + token.secret);
            }
            return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        /** The engine's answer when it accepted; otherwise says why on {@code err} and is empty. */
        Optional<String> call(String method, String path, String body, String what, PrintWriter err) throws InterruptedException {
            HttpResponse<String> response;
            try {
                response = send(method, path, body);
            } catch (IOException e) {
                err.println("vigil silence " + what + ": cannot reach the engine at " + url + " (" + e.getMessage()
                        + "); is it running? (--engine URL)");
                err.flush();
                return Optional.empty();
            }
            if (response.statusCode() != 200) {
                err.println("vigil silence " + what + ": the engine refused (" + response.statusCode() + "): "
                        + TerminalText.of(response.body().strip()));
                err.flush();
                return Optional.empty();
            }
            return Optional.of(response.body());
        }
    }

    /** An engine's API address: http:// or https://, a host, perhaps a port and a path; anything else is a usage error (exit 2). */
    static final class HttpUrl implements ITypeConverter<URI> {
        @Override
        public URI convert(String text) {
            String advice = "'" + Name.printable(text) + "' is not an http:// or https:// URL (e.g. http://127.0.0.1:9465)";
            URI uri;
            try {
                uri = new URI(text.strip());
            } catch (URISyntaxException e) {
                throw new TypeConversionException(advice);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getQuery() != null
                    || uri.getFragment() != null) {
                throw new TypeConversionException(advice);
            }
            return uri;
        }
    }

    /** The token an engine's API asks for; read from --token-file before anything is sent, and never printed. */
    static final class BearerToken {
        private final String secret;

        BearerToken(String secret) {
            this.secret = secret;
        }

        @Override
        public String toString() {
            return "BearerToken(not shown)";
        }
    }

    /** Reads --token-file when the command line is parsed: a file that is missing, unreadable or empty is a usage error (exit 2). */
    static final class TokenFile implements ITypeConverter<BearerToken> {
        @Override
        public BearerToken convert(String file) {
            String token;
            try {
                token = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            } catch (NoSuchFileException e) {
                throw new TypeConversionException(file + ": no such file");
            } catch (IOException | InvalidPathException e) {
                throw new TypeConversionException(file + ": cannot be read (" + e.getMessage() + ")");
            }
            if (token.isEmpty()) {
                throw new TypeConversionException(file + " is empty (it holds the engine's http.token_file secret)");
            }
            return new BearerToken(token);
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Silences the alerts matching every MATCHER (Alertmanager's notation: name=value, name!=value,",
                    "name=~regex, name!~regex), for a while or, with --weekdays, in a recurring maintenance window."},
            footer = {"", "Examples:",
                    "  vigil silence add --duration 2h --comment 'replacing sda, ticket 4711' node=node-a device=/dev/sda",
                    "  vigil silence add --weekdays sunday --from 02:00 --to 04:00 --time-zone Europe/Berlin --duration 365d \\",
                    "      --comment 'weekly backup window' cluster=pair-1"})
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        EngineApi api;

        @Parameters(arity = "1..*", paramLabel = "MATCHER", description = "label matchers; an alert must match all")
        List<String> matchers;

        @Option(names = "--comment", required = true, description = "why (shown with the silence)")
        String comment;

        @Option(names = "--author", description = "who (default: $USER)")
        String author;

        @Option(names = "--duration", defaultValue = "1h", description = "how long, from --start (e.g. 2h, 1d); default ${DEFAULT-VALUE}")
        Duration duration;

        @Option(names = "--start", paramLabel = "INSTANT", description = "when it begins (ISO-8601; default now)")
        String start;

        @Option(names = "--end", paramLabel = "INSTANT", description = "when it ends (ISO-8601), instead of --duration")
        String end;

        @Option(names = "--weekdays", split = ",", description = "a maintenance window on these days (monday,...,sunday)")
        List<String> weekdays;

        @Option(names = "--from", paramLabel = "HH:MM", description = "the window's start, time of day")
        String from;

        @Option(names = "--to", paramLabel = "HH:MM", description = "the window's end, time of day (before --from: past midnight)")
        String to;

        @Option(names = "--time-zone", defaultValue = "UTC", description = "the window's time zone (default: ${DEFAULT-VALUE})")
        String timeZone;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ObjectNode body = WireCodec.json().createObjectNode();
            ArrayNode list = body.putArray("matchers");
            matchers.forEach(list::add);
            body.put("comment", comment);
            body.put("createdBy", author != null ? author : System.getProperty("user.name", "unknown"));
            if (start != null) {
                body.put("startsAt", start);
            }
            if (end != null) {
                body.put("endsAt", end);
            } else {
                body.put("duration", DurationText.format(duration));
            }
            if (weekdays != null || from != null || to != null) {
                if (weekdays == null || from == null || to == null) {
                    err.println("vigil silence add: a maintenance window needs --weekdays, --from and --to");
                    return 2;
                }
                ObjectNode r = body.putObject("recurrence");
                ArrayNode days = r.putArray("weekdays");
                weekdays.forEach(d -> days.add(d.strip().toLowerCase(Locale.ROOT)));
                r.put("from", from).put("to", to).put("timeZone", timeZone);
            }
            Optional<String> answer = api.call("POST", "/api/silences", WireCodec.json().writeValueAsString(body), "add", err);
            if (answer.isEmpty()) {
                return 1;
            }
            out.println(TerminalText.of(WireCodec.json().readTree(answer.get()).path("silenceID").asText()));
            out.flush();
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists silences and maintenance windows, newest end first.")
    static final class ListSilences implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        EngineApi api;

        @Option(names = "--expired", description = "also list expired silences")
        boolean expired;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Optional<String> answer = api.call("GET", "/api/silences", null, "list", spec.commandLine().getErr());
            if (answer.isEmpty()) {
                return 1;
            }
            out.printf(Locale.ROOT, "%-36s  %-8s  %-24s  %-20s  %s%n", "ID", "STATUS", "ENDS", "BY", "MATCHERS / COMMENT");
            for (JsonNode s : WireCodec.json().readTree(answer.get()).path("silences")) {
                if (!expired && s.path("status").asText().equals("expired")) {
                    continue;
                }
                List<String> m = new ArrayList<>();
                s.path("matchers").forEach(x -> m.add(x.path("name").asText() + x.path("op").asText() + "\"" + x.path("value").asText() + "\""));
                String window = s.has("recurrence") ? " [" + recurrence(s.path("recurrence")) + "]" : "";
                // every field is the engine's answer, as anyone who could add a silence wrote it
                out.printf(Locale.ROOT, "%-36s  %-8s  %-24s  %-20s  %s%s / %s%n", TerminalText.of(s.path("id").asText()),
                        TerminalText.of(s.path("status").asText()), TerminalText.of(s.path("endsAt").asText()),
                        TerminalText.of(s.path("createdBy").asText()), TerminalText.of(String.join(",", m)), TerminalText.of(window),
                        TerminalText.of(s.path("comment").asText()));
            }
            out.flush();
            return 0;
        }
    }

    /** "sunday,saturday 02:00-04:00 Europe/Berlin". */
    static String recurrence(JsonNode r) {
        List<String> days = new ArrayList<>();
        r.path("weekdays").forEach(d -> days.add(d.asText()));
        return String.join(",", days) + " " + hhmm(r.path("from").asText()) + "-" + hhmm(r.path("to").asText()) + " "
                + r.path("timeZone").asText();
    }

    private static String hhmm(String time) {
        return time.length() > 5 && time.endsWith(":00") ? time.substring(0, 5) : time;
    }

    @Command(name = "expire", mixinStandardHelpOptions = true, description = "Ends a silence now.")
    static final class Expire implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        EngineApi api;

        @Parameters(paramLabel = "ID", description = "the silence's id (vigil silence list)")
        String id;

        @Override
        public Integer call() throws Exception {
            if (!Name.isValid(id)) {
                spec.commandLine().getErr().println("vigil silence expire: '" + Name.printable(id)
                        + "' is not a silence id (vigil silence list shows them)");
                return 2;
            }
            if (api.call("DELETE", "/api/silences/" + id, null, "expire", spec.commandLine().getErr()).isEmpty()) {
                return 1;
            }
            spec.commandLine().getOut().println("expired " + id);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
