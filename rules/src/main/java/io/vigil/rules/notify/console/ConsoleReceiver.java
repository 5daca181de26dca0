package io.vigil.rules.notify.console;

import io.vigil.events.Alert;
import io.vigil.rules.notify.Headline;
import io.vigil.rules.notify.Notification;
import io.vigil.rules.notify.Receiver;
import java.util.function.Consumer;

/** Notifications as lines of text, for the lab's screen or a terminal: the headline, then one line per alert. */
public final class ConsoleReceiver implements Receiver {
    private final String name;
    private final Consumer<String> out;

    public ConsoleReceiver(String name, Consumer<String> out) {
        this.name = name;
        this.out = out;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Outcome deliver(Notification n) {
        StringBuilder text = new StringBuilder(Headline.of(n));
        for (Alert a : n.all()) {
            text.append("\n  ")
                    .append(n.firing().contains(a) ? "firing   " : "resolved ")
                    .append(a.rule())
                    .append(' ')
                    .append(a.labels());
        }
        out.accept(text.toString());
        return new Outcome.Delivered("printed");
    }
}
