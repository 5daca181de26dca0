package io.vigil.rules.notify;

import io.vigil.rules.notify.dispatch.RouteSpec;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the engine notifies: its receivers and the route tree. {@code externalUrl} is where people
 * reach the engine (links in notifications). {@code receiverFailingAfter}: a receiver that fails
 * this long raises an alert of its own through the receivers that still work.
 * {@code resolvedResendFor}: how long a resolved alert is pushed again to Alertmanager, as
 * Prometheus does, so that one that missed the first resolve still learns of it.
 */
public record NotifyConfig(
        List<ReceiverSpec> receivers,
        RouteSpec route,
        String externalUrl,
        Duration receiverFailingAfter,
        Duration resolvedResendFor) {
    public NotifyConfig {
        receivers = List.copyOf(receivers);
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(externalUrl, "externalUrl");
    }

    public Optional<ReceiverSpec> receiver(String name) {
        return receivers.stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
