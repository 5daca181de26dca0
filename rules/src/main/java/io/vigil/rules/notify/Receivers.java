package io.vigil.rules.notify;

import io.vigil.rules.notify.ReceiverSpec.AlertmanagerSpec;
import io.vigil.rules.notify.ReceiverSpec.ConsoleSpec;
import io.vigil.rules.notify.ReceiverSpec.EmailSpec;
import io.vigil.rules.notify.ReceiverSpec.PagerDutySpec;
import io.vigil.rules.notify.ReceiverSpec.SlackSpec;
import io.vigil.rules.notify.ReceiverSpec.WebhookSpec;
import io.vigil.rules.notify.alertmanager.AlertmanagerReceiver;
import io.vigil.rules.notify.console.ConsoleReceiver;
import io.vigil.rules.notify.email.EmailReceiver;
import io.vigil.rules.notify.pagerduty.PagerDutyReceiver;
import io.vigil.rules.notify.slack.SlackReceiver;
import io.vigil.rules.notify.webhook.WebhookReceiver;
import java.util.function.Consumer;

/** Builds the receiver a spec describes; console receivers write to {@code console}. */
public final class Receivers {
    private Receivers() {
    }

    public static Receiver of(ReceiverSpec spec, Consumer<String> console) {
        if (spec instanceof AlertmanagerSpec s) {
            return new AlertmanagerReceiver(s);
        }
        if (spec instanceof PagerDutySpec s) {
            return new PagerDutyReceiver(s);
        }
        if (spec instanceof EmailSpec s) {
            return new EmailReceiver(s);
        }
        if (spec instanceof WebhookSpec s) {
            return new WebhookReceiver(s);
        }
        if (spec instanceof SlackSpec s) {
            return new SlackReceiver(s);
        }
        return new ConsoleReceiver(((ConsoleSpec) spec).name(), console);
    }
}
