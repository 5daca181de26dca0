package io.vigil.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.events.Name;
import io.vigil.events.WireCodec;
import io.vigil.service.config.DurationText;
import io.vigil.service.terminal.TerminalText;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil silence}: silences and maintenance windows, through any engine instance's API. */
@Command(
        name = "silence",
        mixinStandardHelpOptions = true,
        description = "Adds, lists and expires silences and maintenance windows through an engine's API.",
        subcommands = {SilenceCommand.Add.class, SilenceCommand.ListSilences.class, SilenceCommand.Expire.class})
final class SilenceCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = {
                "Silences the alerts matching every MATCHER (Alertmanager's notation: name=value, name!=value, "
                        + "name=~regex, name!~regex), for a while or, with --weekdays, in a recurring maintenance window."
            },
            footer = {
                "",
                "Examples:",
                "  vigil silence add --duration 2h --comment 'replacing sda, ticket 4711' node=node-a device=/dev/sda",
                "  vigil silence add --weekdays sunday --from 02:00 --to 04:00 --time-zone Europe/Berlin --duration 365d \\",
                "      --comment 'weekly backup window' cluster=pair-1"
            })
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

        @Option(
                names = "--duration",
                defaultValue = "1h",
                description = "how long, from --start (e.g. 2h, 1d); default ${DEFAULT-VALUE}")
        Duration duration;

        @Option(names = "--start", paramLabel = "INSTANT", description = "when it begins (ISO-8601; default now)")
        String start;

        @Option(names = "--end", paramLabel = "INSTANT", description = "when it ends (ISO-8601), instead of --duration")
        String end;

        @Option(
                names = "--weekdays",
                split = ",",
                description = "a maintenance window on these days (monday,...,sunday)")
        List<String> weekdays;

        @Option(names = "--from", paramLabel = "HH:MM", description = "the window's start, time of day")
        String from;

        @Option(
                names = "--to",
                paramLabel = "HH:MM",
                description = "the window's end, time of day (before --from: past midnight)")
        String to;

        @Option(
                names = "--time-zone",
                defaultValue = "UTC",
                description = "the window's time zone (default: ${DEFAULT-VALUE})")
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
            Optional<String> answer = api.call(
                    "POST", "/api/silences", WireCodec.json().writeValueAsString(body), "vigil silence add", err);
            if (answer.isEmpty()) {
                return 1;
            }
            out.println(TerminalText.of(
                    WireCodec.json().readTree(answer.get()).path("silenceID").asText()));
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Lists silences and maintenance windows, newest end first.")
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
            Optional<String> answer = api.call(
                    "GET",
                    "/api/silences",
                    null,
                    "vigil silence list",
                    spec.commandLine().getErr());
            if (answer.isEmpty()) {
                return 1;
            }
            out.printf(
                    Locale.ROOT, "%-36s  %-8s  %-24s  %-20s  %s%n", "ID", "STATUS", "ENDS", "BY", "MATCHERS / COMMENT");
            for (JsonNode s : WireCodec.json().readTree(answer.get()).path("silences")) {
                if (!expired && s.path("status").asText().equals("expired")) {
                    continue;
                }
                List<String> m = new ArrayList<>();
                s.path("matchers")
                        .forEach(x -> m.add(x.path("name").asText()
                                + x.path("op").asText() + "\"" + x.path("value").asText() + "\""));
                String window = s.has("recurrence") ? " [" + recurrence(s.path("recurrence")) + "]" : "";
                // every field is the engine's answer, as anyone who could add a silence wrote it
                out.printf(
                        Locale.ROOT,
                        "%-36s  %-8s  %-24s  %-20s  %s%s / %s%n",
                        TerminalText.of(s.path("id").asText()),
                        TerminalText.of(s.path("status").asText()),
                        TerminalText.of(s.path("endsAt").asText()),
                        TerminalText.of(s.path("createdBy").asText()),
                        TerminalText.of(String.join(",", m)),
                        TerminalText.of(window),
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
        return String.join(",", days) + " " + hhmm(r.path("from").asText()) + "-"
                + hhmm(r.path("to").asText()) + " " + r.path("timeZone").asText();
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
                spec.commandLine()
                        .getErr()
                        .println("vigil silence expire: '" + Name.printable(id)
                                + "' is not a silence id (vigil silence list shows them)");
                return 2;
            }
            if (api.call(
                            "DELETE",
                            "/api/silences/" + id,
                            null,
                            "vigil silence expire",
                            spec.commandLine().getErr())
                    .isEmpty()) {
                return 1;
            }
            spec.commandLine().getOut().println("expired " + id);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
