package io.vigil.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.events.Name;
import io.vigil.events.WireCodec;
import io.vigil.service.terminal.TerminalText;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What every {@code vigil history} command shares: the engine's API (as {@code vigil sagas} finds
 * it), the range ({@code --since}, {@code --until}), the output format, and the call itself. The
 * API names a bad parameter by its query name; the command says it by its flag.
 */
final class HistoryAsk {
    /** How to print. */
    enum Format {
        table,
        csv,
        json
    }

    /** The API's parameter names and the flags that set them. */
    private static final Map<String, String> FLAGS = Map.of(
            "from",
            "--since",
            "to",
            "--until",
            "step",
            "--step",
            "resource",
            "--resource",
            "cluster",
            "--cluster",
            "peer",
            "--peer",
            "limit",
            "--limit",
            "alertname",
            "--alertname",
            "severity",
            "--severity",
            "state",
            "--state");

    @Mixin
    EngineApi api;

    @Option(
            names = "--until",
            paramLabel = "TIME",
            defaultValue = "now",
            description = "the end: now, a duration before now (1h) or an RFC 3339 time (default: ${DEFAULT-VALUE})")
    String until;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE})")
    Format format;

    /** Builds {@code path?name=value&...}, leaving out the absent values. */
    static String path(String path, Map<String, Optional<String>> parameters) {
        StringBuilder out = new StringBuilder(path);
        char sep = '?';
        for (Map.Entry<String, Optional<String>> p : parameters.entrySet()) {
            if (p.getValue().isPresent()) {
                out.append(sep)
                        .append(p.getKey())
                        .append('=')
                        .append(URLEncoder.encode(p.getValue().get(), StandardCharsets.UTF_8));
                sep = '&';
            }
        }
        return out.toString();
    }

    /** The range's parameters, for the query. */
    Map<String, Optional<String>> range(String since) {
        Map<String, Optional<String>> range = new LinkedHashMap<>();
        range.put("from", Optional.of(since));
        range.put("to", Optional.of(until));
        return range;
    }

    /** The engine's JSON answer, or empty after saying on {@code err} what went wrong and what to do. */
    Optional<JsonNode> get(String pathAndQuery, String command, PrintWriter err) throws InterruptedException {
        HttpResponse<String> response;
        try {
            response = api.send("GET", pathAndQuery, null);
        } catch (IOException e) {
            err.println(command + ": cannot reach the engine at " + api.url + " (" + e.getMessage()
                    + "); is it running? (--engine URL)");
            err.flush();
            return Optional.empty();
        }
        String body = response.body().strip();
        if (response.statusCode() == 400) {
            int colon = body.indexOf(": ");
            String parameter = colon < 0 ? "" : body.substring(0, colon);
            String flag = FLAGS.get(parameter);
            err.println(command + ": " + TerminalText.of(flag == null ? body : flag + body.substring(colon)));
            err.flush();
            return Optional.empty();
        }
        if (response.statusCode() == 404) {
            err.println(command + ": the engine at " + api.url + " has no history API ("
                    + pathAndQuery.replaceAll("\\?.*", "")
                    + " is not served): it runs a Vigil older than this command, or --engine is not an engine");
            err.flush();
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            err.println(command + ": the engine answered " + response.statusCode() + ": " + TerminalText.of(body));
            err.flush();
            return Optional.empty();
        }
        try {
            return Optional.of(WireCodec.json().readTree(response.body()));
        } catch (IOException e) {
            err.println(command + ": the engine at " + api.url + " answered, but not with JSON ("
                    + Name.printable(e.getMessage().lines().findFirst().orElse(""))
                    + "); is --engine an engine's API?");
            err.flush();
            return Optional.empty();
        }
    }

    /** A listing's answer, at most {@code limit} rows; one cut at its limit says so on {@code err}: the table is not the whole range. */
    Optional<JsonNode> listing(
            String path, Map<String, Optional<String>> query, int limit, String command, PrintWriter err)
            throws InterruptedException {
        Map<String, Optional<String>> all = new LinkedHashMap<>(query);
        all.put("limit", Optional.of(String.valueOf(limit)));
        Optional<JsonNode> answer = get(path(path, all), command, err);
        if (answer.isPresent() && answer.get().path("truncated").asBoolean()) {
            err.println(command + ": showing " + answer.get().path("limit").asInt()
                    + " rows; the range holds more: narrow --since/--until" + " or raise --limit (at most 10000)");
            err.flush();
        }
        return answer;
    }

    /** The answer as --format asks: JSON whole, or the rows as a table for people ({@code rows.apply(true)}) or CSV for tools. */
    void print(JsonNode answer, Function<Boolean, TextTable> rows, PrintWriter out) throws IOException {
        switch (format) {
            case json -> {
                out.println(WireCodec.json().writerWithDefaultPrettyPrinter().writeValueAsString(answer));
                out.flush();
            }
            case table -> rows.apply(true).printTable(out);
            case csv -> rows.apply(false).printCsv(out);
        }
    }

    /** "2026-12-01 10:00:00" in UTC, as the table shows times. */
    static String time(String rfc3339) {
        try {
            return Instant.parse(rfc3339).toString().replace('T', ' ').replace("Z", "");
        } catch (java.time.format.DateTimeParseException e) {
            return rfc3339;
        }
    }
}
