package io.vigil.rules.notify.console;

import io.vigil.events.Name;
import io.vigil.rules.notify.Receiver;
import io.vigil.rules.notify.ReceiverSection;
import io.vigil.rules.notify.ReceiverSpec;
import io.vigil.rules.notify.ReceiverType;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/** Lines on standard output or the lab's screen; printing cannot time out, so {@code timeout} is not a key of its section. */
public record ConsoleSpec(String name, boolean sendResolved) implements ReceiverSpec {
    public static final ReceiverType TYPE = new ReceiverType("console", ConsoleSpec::read);

    public ConsoleSpec {
        Name.check("receiver", name);
    }

    @Override
    public Duration timeout() {
        return Duration.ofSeconds(1);
    }

    @Override
    public Receiver receiver(Consumer<String> console) {
        return new ConsoleReceiver(name, console);
    }

    static Optional<ReceiverSpec> read(ReceiverSection s) {
        return Optional.of(new ConsoleSpec(s.name(), s.sendResolved()));
    }
}
