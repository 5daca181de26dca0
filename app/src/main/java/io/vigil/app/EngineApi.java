package io.vigil.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.events.Name;
import io.vigil.events.WireCodec;
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
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** Where an engine's API is and how to prove who asks: the options and the calls of the commands that use it (silence, sagas, approve, failback). */
final class EngineApi {
    @Option(
            names = "--engine",
            paramLabel = "URL",
            defaultValue = "http://127.0.0.1:9465",
            converter = HttpUrl.class,
            description = "an engine instance's API (default: ${DEFAULT-VALUE})")
    URI url;

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            converter = TokenFile.class,
            description = "the engine's http.token_file, when it has one")
    BearerToken token;

    HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(url.toString().replaceAll("/+$", "") + path))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token.secret);
        }
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .build()
                .send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The engine's answer when it accepted (2xx); otherwise says why on {@code err} and is empty. {@code command}: "vigil silence add". */
    Optional<String> call(String method, String path, String body, String command, PrintWriter err)
            throws InterruptedException {
        HttpResponse<String> response;
        try {
            response = send(method, path, body);
        } catch (IOException e) {
            err.println(command + ": cannot reach the engine at " + url + " (" + e.getMessage()
                    + "); is it running? (--engine URL)");
            err.flush();
            return Optional.empty();
        }
        if (response.statusCode() / 100 != 2) {
            err.println(command + ": the engine refused (" + response.statusCode() + "): "
                    + TerminalText.of(response.body().strip()));
            err.flush();
            return Optional.empty();
        }
        return Optional.of(response.body());
    }

    /**
     * The engine's JSON answer when it accepted; otherwise says why on {@code err} in one line and
     * is empty. An answer that is not JSON (a proxy's page, another service on the port) is one.
     */
    Optional<JsonNode> callJson(String method, String path, String body, String command, PrintWriter err)
            throws InterruptedException {
        Optional<String> answer = call(method, path, body, command, err);
        if (answer.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(WireCodec.json().readTree(answer.get()));
        } catch (IOException e) {
            err.println(command + ": the engine at " + url + " answered, but not with JSON ("
                    + Name.printable(e.getMessage().lines().findFirst().orElse(""))
                    + "); is --engine an engine's API?");
            err.flush();
            return Optional.empty();
        }
    }

    /** An engine's API address: http:// or https://, a host, perhaps a port and a path; anything else is a usage error (exit 2). */
    static final class HttpUrl implements ITypeConverter<URI> {
        @Override
        public URI convert(String text) {
            String advice =
                    "'" + Name.printable(text) + "' is not an http:// or https:// URL (e.g. http://127.0.0.1:9465)";
            URI uri;
            try {
                uri = new URI(text.strip());
            } catch (URISyntaxException e) {
                throw new TypeConversionException(advice);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https"))
                    || uri.getHost() == null
                    || uri.getQuery() != null
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
}
