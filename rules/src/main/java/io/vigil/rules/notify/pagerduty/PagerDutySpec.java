package io.vigil.rules.notify.pagerduty;

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

/** PagerDuty's Events API v2: one event per alert, deduplicated by the alert's fingerprint. */
public record PagerDutySpec(String name, Secret routingKey, URI url, boolean sendResolved, Duration timeout)
        implements ReceiverSpec {
    public static final URI EVENTS_V2 = URI.create("https://events.pagerduty.com/v2/enqueue");
    public static final ReceiverType TYPE = new ReceiverType("pagerduty", PagerDutySpec::read);

    public PagerDutySpec {
        Name.check("receiver", name);
        Objects.requireNonNull(routingKey, "routing_key");
    }

    @Override
    public Receiver receiver(Consumer<String> console) {
        return new PagerDutyReceiver(this);
    }

    static Optional<ReceiverSpec> read(ReceiverSection s) {
        boolean sendResolved = s.sendResolved();
        Duration timeout = s.timeout();
        URI url = s.config().optional("url", EVENTS_V2, ReceiverSection::httpUrl);
        Optional<Secret> key = s.secret("routing_key", true, SecretShape.TOKEN);
        return key.map(k -> new PagerDutySpec(s.name(), k, url, sendResolved, timeout));
    }
}
