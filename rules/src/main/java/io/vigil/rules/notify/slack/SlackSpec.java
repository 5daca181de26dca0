package io.vigil.rules.notify.slack;

import io.vigil.events.Name;
import io.vigil.rules.notify.NotifyConfigLoader.SecretShape;
import io.vigil.rules.notify.Receiver;
import io.vigil.rules.notify.ReceiverSection;
import io.vigil.rules.notify.ReceiverSpec;
import io.vigil.rules.notify.ReceiverType;
import io.vigil.rules.notify.Secret;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/** A Slack-compatible incoming webhook; its URL is the secret. */
public record SlackSpec(String name, Secret url, Optional<String> channel, boolean sendResolved, Duration timeout)
        implements ReceiverSpec {
    public static final ReceiverType TYPE = new ReceiverType("slack", SlackSpec::read);

    public SlackSpec {
        Name.check("receiver", name);
        channel = Objects.requireNonNullElse(channel, Optional.empty());
    }

    @Override
    public Receiver receiver(Consumer<String> console) {
        return new SlackReceiver(this);
    }

    static Optional<ReceiverSpec> read(ReceiverSection s) {
        boolean sendResolved = s.sendResolved();
        Duration timeout = s.timeout();
        Optional<Secret> url = s.secret("url", true, SecretShape.URL);
        Optional<String> channel = s.config().read("channel", t -> t);
        return url.map(u -> new SlackSpec(s.name(), u, channel, sendResolved, timeout));
    }
}
