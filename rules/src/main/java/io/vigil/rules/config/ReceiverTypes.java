package io.vigil.rules.config;

import io.vigil.rules.notify.ReceiverType;
import io.vigil.rules.notify.alertmanager.AlertmanagerSpec;
import io.vigil.rules.notify.console.ConsoleSpec;
import io.vigil.rules.notify.email.EmailSpec;
import io.vigil.rules.notify.pagerduty.PagerDutySpec;
import io.vigil.rules.notify.slack.SlackSpec;
import io.vigil.rules.notify.webhook.WebhookSpec;
import java.util.List;

/**
 * The kinds of receiver the engine's config can name, each declared by its own package: the one
 * place that knows them all, above the notifier, which is handed this list and never names a
 * receiver. A new receiver is a package under {@code notify} and a line here.
 */
public final class ReceiverTypes {
    public static final List<ReceiverType> ALL = List.of(
            AlertmanagerSpec.TYPE,
            PagerDutySpec.TYPE,
            EmailSpec.TYPE,
            WebhookSpec.TYPE,
            SlackSpec.TYPE,
            ConsoleSpec.TYPE);

    private ReceiverTypes() {}
}
