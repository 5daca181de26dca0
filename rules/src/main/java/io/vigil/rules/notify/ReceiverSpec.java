package io.vigil.rules.notify;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A receiver as the engine's config describes it: a name routes point at, whether it is told when
 * alerts resolve (yes unless said otherwise: missed resolves are what Alertmanager's users complain
 * of most), and what it is. Each kind lives in its own package beside its receiver, and reads its
 * own config section ({@link ReceiverType}); the notifier knows them only through this interface.
 */
public interface ReceiverSpec {
    String name();

    boolean sendResolved();

    Duration timeout();

    /** The receiver this describes; {@code console} is where lines meant for a screen go (the console receiver's). */
    Receiver receiver(Consumer<String> console);

    /**
     * How it takes alerts. Empty (the default): in groups, on its route's waits and intervals, as
     * Alertmanager tells its receivers. An outbox: every change at once, as Prometheus pushes to an
     * Alertmanager, which does its own grouping; {@code resolvedResendFor} is how long a resolved
     * alert is pushed again (notify's {@code resolved_resend_for}).
     */
    default Optional<Outbox> outbox(Duration resolvedResendFor) {
        return Optional.empty();
    }
}
