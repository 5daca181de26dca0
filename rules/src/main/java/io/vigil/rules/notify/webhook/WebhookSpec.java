package io.vigil.rules.notify.webhook;

import io.vigil.events.Name;
import io.vigil.rules.notify.NotifyConfigLoader.SecretShape;
import io.vigil.rules.notify.Receiver;
import io.vigil.rules.notify.ReceiverSection;
import io.vigil.rules.notify.ReceiverSpec;
import io.vigil.rules.notify.ReceiverType;
import io.vigil.rules.notify.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/** An HTTP endpoint that takes Alertmanager's webhook payload (version 4). */
public record WebhookSpec(
        String name, URI url, Optional<Secret> bearerToken, int maxAlerts, boolean sendResolved, Duration timeout)
        implements ReceiverSpec {
    public static final ReceiverType TYPE = new ReceiverType("webhook", WebhookSpec::read);

    public WebhookSpec {
        Name.check("receiver", name);
        bearerToken = Objects.requireNonNullElse(bearerToken, Optional.empty());
    }

    @Override
    public Receiver receiver(Consumer<String> console) {
        return new WebhookReceiver(this);
    }

    static Optional<ReceiverSpec> read(ReceiverSection s) {
        boolean sendResolved = s.sendResolved();
        Duration timeout = s.timeout();
        Optional<URI> url = s.config()
                .required("url", "where to POST, e.g. http://127.0.0.1:5001/alerts", ReceiverSection::httpUrl);
        int maxAlerts = s.config().optional("max_alerts", 0, t -> Integer.parseInt(t.strip()));
        Optional<Secret> token = s.secret("bearer_token", false, SecretShape.TOKEN);
        return url.map(u -> new WebhookSpec(s.name(), u, token, maxAlerts, sendResolved, timeout));
    }
}
