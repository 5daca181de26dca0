package io.vigil.rules.notify.alertmanager;

import io.vigil.events.Name;
import io.vigil.rules.notify.NotifyConfigLoader.SecretShape;
import io.vigil.rules.notify.Outbox;
import io.vigil.rules.notify.Receiver;
import io.vigil.rules.notify.ReceiverSection;
import io.vigil.rules.notify.ReceiverSpec;
import io.vigil.rules.notify.ReceiverType;
import io.vigil.rules.notify.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Alertmanager instances, each pushed to directly on {@code /api/v2/alerts} (never through a load
 * balancer). It takes every change at once, as Prometheus pushes them, and is always told of
 * resolves (without them its copy lapses only at endsAt): {@code send_resolved} is not a key of
 * its section.
 */
public record AlertmanagerSpec(String name, List<URI> urls, Optional<Secret> bearerToken, Duration timeout)
        implements ReceiverSpec {
    public static final ReceiverType TYPE = new ReceiverType("alertmanager", AlertmanagerSpec::read);

    public AlertmanagerSpec {
        Name.check("receiver", name);
        urls = List.copyOf(urls);
        bearerToken = Objects.requireNonNullElse(bearerToken, Optional.empty());
    }

    @Override
    public boolean sendResolved() {
        return true;
    }

    @Override
    public Receiver receiver(Consumer<String> console) {
        return new AlertmanagerReceiver(this);
    }

    @Override
    public Optional<Outbox> outbox(Duration resolvedResendFor) {
        return Optional.of(new AlertmanagerOutbox(name, resolvedResendFor));
    }

    static Optional<ReceiverSpec> read(ReceiverSection s) {
        Duration timeout = s.timeout();
        List<URI> urls = s.list("urls", ReceiverSection::httpUrl);
        if (urls.isEmpty()) {
            s.problem("urls", "list every Alertmanager instance (urls: [http://am-1:9093, http://am-2:9093])");
        }
        return Optional.of(
                new AlertmanagerSpec(s.name(), urls, s.secret("bearer_token", false, SecretShape.TOKEN), timeout));
    }
}
