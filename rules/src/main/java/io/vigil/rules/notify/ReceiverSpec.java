package io.vigil.rules.notify;

import io.vigil.events.Name;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A receiver as the engine's config describes it: a name routes point at, whether it is told when
 * alerts resolve (yes unless said otherwise: missed resolves are what Alertmanager's users complain
 * of most), and what it is.
 */
public sealed interface ReceiverSpec {
    String name();

    boolean sendResolved();

    Duration timeout();

    /** Alertmanager instances, each pushed to directly on {@code /api/v2/alerts} (never through a load balancer). */
    record AlertmanagerSpec(String name, List<URI> urls, Optional<Secret> bearerToken, Duration timeout) implements ReceiverSpec {
        public AlertmanagerSpec {
            Name.check("receiver", name);
            urls = List.copyOf(urls);
            bearerToken = Objects.requireNonNullElse(bearerToken, Optional.empty());
        }

        @Override
        public boolean sendResolved() {
            return true;
        }
    }

    /** PagerDuty's Events API v2: one event per alert, deduplicated by the alert's fingerprint. */
    record PagerDutySpec(String name, Secret routingKey, URI url, boolean sendResolved, Duration timeout) implements ReceiverSpec {
        public static final URI EVENTS_V2 = URI.create("https://events.pagerduty.com/v2/enqueue");

        public PagerDutySpec {
            Name.check("receiver", name);
            Objects.requireNonNull(routingKey, "routing_key");
        }
    }

    /**
     * E-mail over SMTP: {@code starttls} required (the default), opportunistic or never;
     * {@code caFile}, a PEM certificate the server's is checked against (a private CA) instead of
     * the JVM's trusted ones.
     */
    record EmailSpec(String name, List<String> to, String from, String host, int port, Optional<String> username,
                     Optional<Secret> password, StartTls starttls, Optional<Path> caFile, boolean sendResolved,
                     Duration timeout) implements ReceiverSpec {
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
            REQUIRED, OPPORTUNISTIC, NEVER;

            /** The word in the config. */
            public String word() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }
        }
    }

    /** An HTTP endpoint that takes Alertmanager's webhook payload (version 4). */
    record WebhookSpec(String name, URI url, Optional<Secret> bearerToken, int maxAlerts, boolean sendResolved, Duration timeout)
            implements ReceiverSpec {
        public WebhookSpec {
            Name.check("receiver", name);
            bearerToken = Objects.requireNonNullElse(bearerToken, Optional.empty());
        }
    }

    /** A Slack-compatible incoming webhook; its URL is the secret. */
    record SlackSpec(String name, Secret url, Optional<String> channel, boolean sendResolved, Duration timeout) implements ReceiverSpec {
        public SlackSpec {
            Name.check("receiver", name);
            channel = Objects.requireNonNullElse(channel, Optional.empty());
        }
    }

    /** Lines on standard output or the lab's screen. */
    record ConsoleSpec(String name, boolean sendResolved) implements ReceiverSpec {
        public ConsoleSpec {
            Name.check("receiver", name);
        }

        @Override
        public Duration timeout() {
            return Duration.ofSeconds(1);
        }
    }
}
