package io.vigil.lab;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * How a lab is put together beyond its data directory: the topology its engine and agents read
 * (the lab's own by default), where its critical alerts are also paged (a webhook receiver in the
 * manner of Alertmanager's), and whether its engine runs in this JVM (quick to start, the lab's
 * default) or in a JVM of its own, which a scenario can kill with SIGKILL as a real one dies.
 *
 * @param topologyText a topology in the lab's file format for the seed pair; empty: the lab's own
 */
public record LabSetup(Optional<String> topologyText, Optional<URI> pageWebhook, boolean engineInOwnJvm) {
    public static final LabSetup DEFAULT = new LabSetup(Optional.empty(), Optional.empty(), false);

    public LabSetup {
        Objects.requireNonNull(topologyText, "topologyText");
        Objects.requireNonNull(pageWebhook, "pageWebhook");
    }

    public LabSetup withTopology(String text) {
        return new LabSetup(Optional.of(text), pageWebhook, engineInOwnJvm);
    }

    public LabSetup withPageWebhook(URI url) {
        return new LabSetup(topologyText, Optional.of(url), engineInOwnJvm);
    }

    public LabSetup withEngineInOwnJvm() {
        return new LabSetup(topologyText, pageWebhook, true);
    }
}
