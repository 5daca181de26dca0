package io.vigil.rules.notify.email;

import io.vigil.events.Name;
import io.vigil.rules.notify.NotifyConfigLoader.SecretShape;
import io.vigil.rules.notify.Receiver;
import io.vigil.rules.notify.ReceiverSection;
import io.vigil.rules.notify.ReceiverSpec;
import io.vigil.rules.notify.ReceiverType;
import io.vigil.rules.notify.Secret;
import io.vigil.service.config.ConfigSection;
import io.vigil.service.http.ListenAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * E-mail over SMTP: {@code starttls} required (the default), opportunistic or never;
 * {@code caFile}, a PEM certificate the server's is checked against (a private CA) instead of
 * the JVM's trusted ones.
 */
public record EmailSpec(
        String name,
        List<String> to,
        String from,
        String host,
        int port,
        Optional<String> username,
        Optional<Secret> password,
        StartTls starttls,
        Optional<Path> caFile,
        boolean sendResolved,
        Duration timeout)
        implements ReceiverSpec {
    public static final ReceiverType TYPE = new ReceiverType("email", EmailSpec::read);
    private static final Pattern ADDRESS = Pattern.compile("[^\\s@<>\"]+@[^\\s@<>\"]+");

    public EmailSpec {
        Name.check("receiver", name);
        to = List.copyOf(to);
        username = Objects.requireNonNullElse(username, Optional.empty());
        password = Objects.requireNonNullElse(password, Optional.empty());
        caFile = Objects.requireNonNullElse(caFile, Optional.empty());
        Objects.requireNonNull(starttls, "starttls");
    }

    /** Whether the mail goes encrypted: required, when the server offers it, or never. */
    public enum StartTls {
        REQUIRED,
        OPPORTUNISTIC,
        NEVER;

        /** The word in the config. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Override
    public Receiver receiver(Consumer<String> console) {
        return new EmailReceiver(this);
    }

    static Optional<ReceiverSpec> read(ReceiverSection s) {
        ConfigSection c = s.config();
        boolean sendResolved = s.sendResolved();
        Duration timeout = s.timeout();
        List<String> to = s.list("to", EmailSpec::address);
        if (to.isEmpty()) {
            s.problem("to", "list who gets the mail (to: [ops@example.org])");
        }
        Optional<String> from = c.required("from", "the sender, e.g. vigil@example.org", EmailSpec::address);
        Optional<ListenAddress> smarthost = c.required(
                "smarthost", "the mail server as host:port, e.g. mail.example.org:587", ListenAddress::parse);
        Optional<String> username = c.read("username", t -> t);
        Optional<Secret> password = s.secret("password", false, SecretShape.ANY);
        StartTls starttls = c.optional("starttls", StartTls.REQUIRED, t -> {
            for (StartTls mode : StartTls.values()) {
                if (mode.word().equals(t)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("'" + Name.printable(t) + "' is not required, opportunistic or never");
        });
        Optional<Path> caFile = c.read("ca_file", t -> {
            Path path = s.dir().resolve(t).normalize();
            if (!Files.isReadable(path)) {
                throw new IllegalArgumentException(
                        path + " cannot be read (a PEM certificate of the mail server's CA)");
            }
            PrivateCa.trusting(path);
            return path;
        });
        if (username.isPresent() != password.isPresent()) {
            s.problem("username", "give username and password (password_file or password_env) together");
        }
        if (from.isEmpty() || smarthost.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new EmailSpec(
                s.name(),
                to,
                from.get(),
                smarthost.get().host(),
                smarthost.get().port(),
                username,
                password,
                starttls,
                caFile,
                sendResolved,
                timeout));
    }

    private static String address(String text) {
        if (!ADDRESS.matcher(text.strip()).matches()) {
            throw new IllegalArgumentException("'" + Name.printable(text) + "' is not an e-mail address");
        }
        return text.strip();
    }
}
