package io.vigil.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Vigil's logging, set up in code rather than from logback.xml: reading XML would load an XML
 * parser and logback's configuration machinery (some 600 classes) into the agent, which must stay
 * small on the host it watches. One line per event, to stderr; stdout is kept for what commands
 * print (events as JSON lines, summaries), so it can be piped. {@code -Dvigil.log.level=DEBUG}
 * turns Vigil's own logging up.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    public static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0}: %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("stderr");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(stderr);
        context.getLogger("io.vigil").setLevel(Level.toLevel(System.getProperty("vigil.log.level"), Level.INFO));
        // an embedded broker start logs ~1,800 lines at INFO; operators need only its warnings
        context.getLogger("kafka").setLevel(Level.WARN);
        context.getLogger("org.apache.kafka").setLevel(Level.WARN);
        context.getLogger("state.change.logger").setLevel(Level.WARN);
        // warns on every normal start of the embedded broker
        context.getLogger("org.apache.kafka.controller.QuorumController").setLevel(Level.ERROR);
        // warn on every retry while Kafka is away; the publisher reports an outage once, with what to check
        context.getLogger("org.apache.kafka.clients.NetworkClient").setLevel(Level.ERROR);
        context.getLogger("org.apache.kafka.clients.producer.internals.Sender").setLevel(Level.ERROR);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
