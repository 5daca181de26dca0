package io.vigil.app;

import io.vigil.events.AuditEntry;
import io.vigil.events.Name;
import io.vigil.events.WireCodec;
import io.vigil.rules.config.EngineConfigLoader;
import io.vigil.service.config.ConfigException;
import io.vigil.service.terminal.TerminalText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil audit}: the failover audit trail, read from Kafka, as a timeline. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the failover audit trail (vigil.audit) since a while ago, oldest first: when, which saga, in which "
                    + "phase, what kind of entry, what was decided or done, and the facts it rested on (indented below).",
            "Reads Kafka directly, up to the end as it is now, then stops."
        },
        footer = {
            "",
            "Examples:",
            "  vigil audit --since 1h --bootstrap kafka-1:9092",
            "  vigil audit --since 2d --saga pair-1:r0:3 --config /etc/vigil/engine.yaml --format json"
        })
final class AuditCommand implements Callable<Integer> {
    /** How to print. */
    enum Format {
        text,
        json
    }

    /** Where Kafka is: an address, or the engine's config (with its security settings). */
    static final class Source {
        @Option(
                names = "--bootstrap",
                paramLabel = "HOST:PORT",
                description = "Kafka's bootstrap servers (default: 127.0.0.1:9092)")
        String bootstrap;

        @Option(
                names = "--config",
                paramLabel = "FILE",
                description = "the engine's YAML config: its kafka settings are used")
        Path config;
    }

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true)
    Source source = new Source();

    @Option(
            names = "--since",
            paramLabel = "DURATION",
            defaultValue = "1h",
            description = "how far back (e.g. 30m, 1h, 2d; default ${DEFAULT-VALUE})")
    Duration since;

    @Option(names = "--cluster", paramLabel = "CLUSTER", description = "only this cluster's entries")
    String cluster;

    @Option(names = "--saga", paramLabel = "SAGA", description = "only this saga's entries")
    String saga;

    @Option(
            names = "--format",
            defaultValue = "text",
            description = "text or json (one entry a line); default ${DEFAULT-VALUE}")
    Format format;

    @Option(
            names = "--time-zone",
            paramLabel = "ZONE",
            defaultValue = "UTC",
            description = "the zone of the times printed (default: ${DEFAULT-VALUE})")
    ZoneId zone;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (String[] named : new String[][] {{"--cluster", cluster}, {"--saga", saga}}) {
            if (named[1] != null && !Name.isValid(named[1])) {
                err.println("vigil audit: " + named[0] + " '" + Name.printable(named[1])
                        + "' is not a name (letters, digits, _ . + : -)");
                return 2;
            }
        }
        if (since.isNegative() || since.isZero()) {
            err.println("vigil audit: --since is how far back, e.g. 1h; it must be more than 0");
            return 2;
        }
        Map<String, Object> kafka;
        if (source.config != null) {
            try {
                kafka = EngineConfigLoader.load(source.config).kafka();
            } catch (ConfigException e) {
                err.println(e.getMessage());
                err.println("vigil audit: " + source.config + " cannot be used; fix it or give --bootstrap HOST:PORT");
                return 2;
            } catch (IOException e) {
                err.println("vigil audit: " + source.config + ": cannot be read (" + e.getMessage() + ")");
                return 2;
            }
        } else {
            kafka = Map.of("bootstrap.servers", source.bootstrap == null ? "127.0.0.1:9092" : source.bootstrap);
        }
        List<AuditEntry> entries;
        try {
            entries = AuditTrail.since(kafka, Instant.now().minus(since), line -> err.println("vigil audit: " + line));
        } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
            err.println("vigil audit: " + e.getMessage()
                    + " (--bootstrap HOST:PORT or --config engine.yaml says where Kafka is)");
            return 1;
        }
        // each line says its zone: a timeline pasted into a ticket is read elsewhere
        DateTimeFormatter time =
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS VV").withZone(zone);
        int idWidth = entries.stream()
                .mapToInt(e -> TerminalText.of(e.sagaId()).length())
                .max()
                .orElse(0);
        for (AuditEntry e : entries) {
            if (cluster != null && !e.cluster().equals(cluster)
                    || saga != null && !e.sagaId().equals(saga)) {
                continue;
            }
            if (format == Format.json) {
                out.println(new String(WireCodec.encode(e), StandardCharsets.UTF_8));
                continue;
            }
            // the texts quote tools' output and names off the wire
            out.println(time.format(e.at()) + "  " + pad(TerminalText.of(e.sagaId()), idWidth) + "  "
                    + pad(TerminalText.of(e.phase()), 16) + "  " + pad(e.kind().wire(), 8) + "  "
                    + TerminalText.of(e.text()));
            for (String fact : e.evidence()) {
                out.println("      " + TerminalText.of(fact));
            }
        }
        out.flush();
        err.flush();
        return 0;
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(Math.max(0, width - text.length()));
    }
}
