package io.vigil.rules.notify;

import io.vigil.events.Name;
import io.vigil.rules.notify.NotifyConfigLoader.SecretShape;
import io.vigil.service.config.ConfigSection;
import io.vigil.service.config.YamlTree.Node;
import io.vigil.service.config.YamlTree.Scalar;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A receiver's own section of the config ({@code webhook: {...}} under its name), as its type
 * reads it: {@code name} is the receiver's; {@code dir} anchors relative files; {@code env} is the
 * process environment secrets may come from. The keys every kind shares are read the same way
 * here, by the kinds that have them.
 */
public record ReceiverSection(String name, ConfigSection config, Path dir, Map<String, String> env) {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** {@code send_resolved}: yes unless said otherwise. */
    public boolean sendResolved() {
        return config.bool("send_resolved", true);
    }

    /** {@code timeout} of one attempt: 10 s unless said otherwise. */
    public Duration timeout() {
        return config.positiveDuration("timeout", TIMEOUT);
    }

    /** A secret from {@code KEY_file} or {@code KEY_env}; the problem never shows it. */
    public Optional<Secret> secret(String key, boolean required, SecretShape shape) {
        return NotifyConfigLoader.secret(config, key, dir, env, required, shape);
    }

    /** The list under {@code key}, each item read by {@code reader}; the bad ones are problems. */
    public <T> List<T> list(String key, java.util.function.Function<String, T> reader) {
        List<T> items = new ArrayList<>();
        for (Node n : config.list(key)) {
            if (n instanceof Scalar sc) {
                config.convert(sc, config.path(key), reader).ifPresent(items::add);
            }
        }
        return items;
    }

    /** A problem with the section itself, such as a list left empty. */
    public void problem(String key, String message) {
        config.problem(config.mapping().line(), config.path(key), message);
    }

    /** An http(s) URL with a host. */
    public static URI httpUrl(String text) {
        try {
            URI uri = new URI(text.strip());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("'" + Name.printable(text) + "' is not an http(s) URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + Name.printable(text) + "' is not a URL: " + e.getReason());
        }
    }
}
