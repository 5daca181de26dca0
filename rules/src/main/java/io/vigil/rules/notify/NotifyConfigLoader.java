package io.vigil.rules.notify;

import io.vigil.events.LabelMatcher;
import io.vigil.rules.notify.dispatch.RouteSpec;
import io.vigil.rules.silence.Matchers;
import io.vigil.service.config.ConfigSection;
import io.vigil.service.config.YamlTree.Mapping;
import io.vigil.service.config.YamlTree.Node;
import io.vigil.service.config.YamlTree.Scalar;
import io.vigil.service.http.ListenAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads engine.yaml's {@code notify:} section: receivers and the route tree, in Alertmanager's
 * words. Every problem is recorded with its line, as the rest of the file's are. Secrets come from
 * a file ({@code KEY_file}) or the environment ({@code KEY_env}), never from the config itself.
 * A receiver's own section is read by its type, one of those the caller knows.
 */
public final class NotifyConfigLoader {
    private NotifyConfigLoader() {}

    /**
     * {@code dir} anchors relative secret files; {@code env} is the process environment;
     * {@code types}: the kinds of receiver there are, by the key of their section.
     */
    public static Optional<NotifyConfig> read(
            ConfigSection top, Path dir, Map<String, String> env, ListenAddress listen, List<ReceiverType> types) {
        Map<String, ReceiverType> byKey =
                types.stream().collect(Collectors.toMap(ReceiverType::key, Function.identity()));
        if (top.entry("notify").isEmpty()) {
            return Optional.empty();
        }
        ConfigSection notify = top.section("notify");
        String externalUrl = notify.optional("external_url", "http://" + listen, NotifyConfigLoader::url);
        Duration failingAfter = notify.positiveDuration("receiver_failing_after", Duration.ofMinutes(2));
        Duration resolvedResendFor = notify.duration("resolved_resend_for", Duration.ofMinutes(15));
        List<ReceiverSpec> receivers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<Node> nodes = notify.list("receivers");
        // routes are checked against every receiver named, loaded or not: one receiver's problem is
        // not also a problem of each route that names it
        Set<String> declared = new HashSet<>();
        for (Node node : nodes) {
            if (node instanceof Mapping m
                    && m.entries().get("name") != null
                    && m.entries().get("name").value() instanceof Scalar n) {
                declared.add(n.text());
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            String path = notify.path("receivers[" + i + "]");
            if (!(nodes.get(i) instanceof Mapping m)) {
                notify.problem(
                        nodes.get(i).line(),
                        path,
                        "expected a receiver (name: ..., and one of "
                                + byKey.keySet().stream().sorted().toList() + ")");
                continue;
            }
            receiver(new ConfigSection(path, m, notify.problemsView()), dir, env, byKey)
                    .ifPresent(r -> {
                        if (!names.add(r.name())) {
                            notify.problem(
                                    m.line(),
                                    path + ".name",
                                    "'" + r.name() + "' is the name of another receiver already");
                        } else {
                            receivers.add(r);
                        }
                    });
        }
        if (nodes.isEmpty()) {
            notify.problem(notify.lineOf("receivers"), notify.path("receivers"), "name at least one receiver");
        }
        Optional<RouteSpec> route = Optional.empty();
        if (notify.entry("route").isEmpty()) {
            notify.problem(
                    notify.mapping().line(),
                    notify.path("route"),
                    "missing (route: {receiver: NAME, group_by: [...]})");
        } else {
            route = route(notify.section("route"), Optional.empty(), declared);
        }
        notify.rejectUnknownKeys();
        return route.map(r -> new NotifyConfig(receivers, r, externalUrl, failingAfter, resolvedResendFor));
    }

    private static Optional<ReceiverSpec> receiver(
            ConfigSection s, Path dir, Map<String, String> env, Map<String, ReceiverType> byKey) {
        int before = s.problemsView().size();
        Optional<String> name = s.required("name", "what routes call it, e.g. pager", ConfigSection.NAME);
        List<String> keys = byKey.keySet().stream().sorted().toList();
        List<String> types =
                keys.stream().filter(t -> s.mapping().entries().containsKey(t)).toList();
        keys.forEach(s::entry);
        if (types.size() != 1) {
            s.problem(
                    s.mapping().line(),
                    s.path(),
                    types.isEmpty()
                            ? "say what it is: one of " + keys
                            : "one receiver is one of " + types + ", not several (give each its own name)");
            s.rejectUnknownKeys();
            return Optional.empty();
        }
        ConfigSection c = s.section(types.get(0));
        Optional<ReceiverSpec> spec = byKey.get(types.get(0)).read(new ReceiverSection(name.orElse("?"), c, dir, env));
        c.rejectUnknownKeys();
        s.rejectUnknownKeys();
        if (s.problemsView().size() > before || name.isEmpty()) {
            return Optional.empty();
        }
        return spec;
    }

    private static Optional<RouteSpec> route(ConfigSection s, Optional<RouteSpec> parent, Set<String> receivers) {
        int before = s.problemsView().size();
        Optional<String> receiver = parent.isEmpty()
                ? s.required("receiver", "the receiver of what no child route takes", ConfigSection.NAME)
                : Optional.of(s.optional("receiver", parent.get().receiver(), ConfigSection.NAME));
        receiver.filter(r -> !receivers.contains(r))
                .ifPresent(r -> s.problem(
                        s.lineOf("receiver"),
                        s.path("receiver"),
                        "no receiver is named '" + r + "' (receivers: "
                                + receivers.stream().sorted().toList() + ")"));
        List<LabelMatcher> matchers = new ArrayList<>();
        for (Node m : s.list("matchers")) {
            if (m instanceof Scalar sc) {
                s.convert(sc, s.path("matchers"), t -> Matchers.check(LabelMatcher.parse(t)))
                        .ifPresent(matchers::add);
            } else {
                s.problem(
                        m.line(),
                        s.path("matchers"),
                        "expected matchers such as 'severity=\"critical\"', not " + m.describe());
            }
        }
        if (parent.isEmpty() && !matchers.isEmpty()) {
            s.problem(
                    s.lineOf("matchers"),
                    s.path("matchers"),
                    "the root route takes every alert: put matchers on its routes");
        }
        List<String> groupBy = new ArrayList<>();
        if (s.entry("group_by").isPresent()) {
            for (Node g : s.list("group_by")) {
                if (g instanceof Scalar sc) {
                    s.convert(
                                    sc,
                                    s.path("group_by"),
                                    t -> t.equals("...") ? t : io.vigil.events.AlertLabels.checkName("group_by", t))
                            .ifPresent(groupBy::add);
                }
            }
        } else {
            groupBy.addAll(parent.map(RouteSpec::groupBy).orElse(List.of("cluster", "alertname")));
        }
        Duration groupWait =
                s.duration("group_wait", parent.map(RouteSpec::groupWait).orElse(RouteSpec.GROUP_WAIT));
        Duration groupInterval = s.positiveDuration(
                "group_interval", parent.map(RouteSpec::groupInterval).orElse(RouteSpec.GROUP_INTERVAL));
        Duration repeatInterval = s.positiveDuration(
                "repeat_interval", parent.map(RouteSpec::repeatInterval).orElse(RouteSpec.REPEAT_INTERVAL));
        boolean cont = s.bool("continue", false);
        if (parent.isEmpty() && cont) {
            s.problem(s.lineOf("continue"), s.path("continue"), "the root route has no siblings to continue to");
        }
        RouteSpec self = new RouteSpec(
                receiver.orElse("?"), matchers, groupBy, groupWait, groupInterval, repeatInterval, cont, List.of());
        List<RouteSpec> children = new ArrayList<>();
        List<Node> childNodes = s.list("routes");
        for (int i = 0; i < childNodes.size(); i++) {
            if (childNodes.get(i) instanceof Mapping m) {
                route(new ConfigSection(s.path("routes[" + i + "]"), m, s.problemsView()), Optional.of(self), receivers)
                        .ifPresent(children::add);
            } else {
                s.problem(
                        childNodes.get(i).line(),
                        s.path("routes[" + i + "]"),
                        "expected a route (matchers:, receiver:, ...)");
            }
        }
        s.rejectUnknownKeys();
        if (s.problemsView().size() > before) {
            return Optional.empty();
        }
        return Optional.of(new RouteSpec(
                self.receiver(), matchers, groupBy, groupWait, groupInterval, repeatInterval, cont, children));
    }

    /**
     * {@code KEY_file: PATH} or {@code KEY_env: VAR}; a plain {@code KEY:} is refused, as is a secret from nowhere when required.
     * Public for the engine's other secrets (failover's action key), read the same way.
     */
    public static Optional<Secret> secret(
            ConfigSection c, String key, Path dir, Map<String, String> env, boolean required) {
        return secret(c, key, dir, env, required, SecretShape.ANY);
    }

    /** What a secret must look like to be usable; the problem never shows the secret. */
    public enum SecretShape {
        ANY,
        TOKEN,
        URL;

        Optional<String> problem(String value) {
            return switch (this) {
                case ANY -> Optional.empty();
                case TOKEN ->
                    value.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)
                            ? Optional.empty()
                            : Optional.of(
                                    "holds characters an HTTP header cannot carry (spaces, line breaks or non-ASCII);"
                                            + " it should hold only the token");
                case URL -> {
                    try {
                        ReceiverSection.httpUrl(value);
                        yield Optional.empty();
                    } catch (IllegalArgumentException e) {
                        yield Optional.of("does not hold an http(s) URL (not shown here: it is a secret)");
                    }
                }
            };
        }
    }

    /** The same, the secret checked for the shape it must have to be usable. */
    public static Optional<Secret> secret(
            ConfigSection c, String key, Path dir, Map<String, String> env, boolean required, SecretShape shape) {
        c.entry(key)
                .ifPresent(e -> c.problem(
                        e.keyLine(),
                        c.path(key),
                        "a secret is not written in the config (it ends up in"
                                + " backups, diffs and tickets): put it in a file (" + key
                                + "_file: PATH) or the environment (" + key + "_env: VAR)"));
        Optional<Scalar> file = c.scalar(key + "_file");
        Optional<Scalar> var = c.scalar(key + "_env");
        if (file.isPresent() && var.isPresent()) {
            c.problem(file.get().line(), c.path(key + "_file"), "give " + key + "_file or " + key + "_env, not both");
            return Optional.empty();
        }
        if (file.isPresent()) {
            Path path = dir.resolve(file.get().text()).normalize();
            return secretFile(c, file.get().line(), c.path(key + "_file"), "", path, shape);
        }
        if (var.isPresent()) {
            String value = env.get(var.get().text());
            if (value == null || value.isBlank()) {
                c.problem(
                        var.get().line(),
                        c.path(key + "_env"),
                        "the environment variable " + var.get().text() + " is not set");
                return Optional.empty();
            }
            Optional<String> problem = shape.problem(value.strip());
            if (problem.isPresent()) {
                c.problem(
                        var.get().line(),
                        c.path(key + "_env"),
                        "the environment variable " + var.get().text() + " " + problem.get());
                return Optional.empty();
            }
            return Optional.of(new Secret(value.strip(), "$" + var.get().text()));
        }
        if (required && c.entry(key).isEmpty()) {
            c.problem(
                    c.mapping().line(),
                    c.path(key + "_file"),
                    "missing (" + key + "_file: PATH or " + key + "_env: VAR)");
        }
        return Optional.empty();
    }

    /**
     * The secret in the file at {@code path}, read and checked as a {@code KEY_file:} is. An empty,
     * unusable or unreadable file is a problem at {@code line} under {@code at}, its text after
     * {@code whose} (what the file is for, "" when the key says it), never showing the secret.
     */
    public static Optional<Secret> secretFile(
            ConfigSection c, int line, String at, String whose, Path path, SecretShape shape) {
        try {
            String value = Files.readString(path, StandardCharsets.UTF_8).strip();
            if (value.isEmpty()) {
                c.problem(line, at, whose + path + " is empty");
                return Optional.empty();
            }
            Optional<String> problem = shape.problem(value);
            if (problem.isPresent()) {
                c.problem(line, at, whose + path + " " + problem.get());
                return Optional.empty();
            }
            return Optional.of(new Secret(value, path.toString()));
        } catch (IOException e) {
            c.problem(
                    line,
                    at,
                    whose + path + " cannot be read (" + e.getClass().getSimpleName()
                            + "); it should hold only the secret, readable by the engine's user");
            return Optional.empty();
        }
    }

    private static String url(String text) {
        return ReceiverSection.httpUrl(text).toString().replaceAll("/+$", "");
    }
}
