package io.vigil.collectors;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Arrays;
import java.util.List;
import org.slf4j.LoggerFactory;

/** What some classes log at INFO or above while a test runs, for tests of what an operator reads. */
public final class LoggedLines implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final List<Logger> loggers;

    private LoggedLines(List<Logger> loggers) {
        this.loggers = loggers;
        appender.start();
        loggers.forEach(l -> l.addAppender(appender));
    }

    /** Starts listening to the loggers of {@code classes}; close to stop. */
    public static LoggedLines of(Class<?>... classes) {
        return new LoggedLines(Arrays.stream(classes)
                .map(c -> (Logger) LoggerFactory.getLogger(c))
                .toList());
    }

    /** The messages logged so far, formatted, in order. */
    public List<String> lines() {
        return events().stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    /** The same, each after its level ("WARN probe vm failing: ..."), and forgotten: the next call has only what came after. */
    public List<String> takeWithLevels() {
        List<ILoggingEvent> events;
        synchronized (appender) {
            events = events();
            appender.list.clear();
        }
        return events.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                .map(e -> e.getLevel() + " " + e.getFormattedMessage())
                .toList();
    }

    private List<ILoggingEvent> events() {
        synchronized (appender) { // the appender appends under its own lock
            return List.copyOf(appender.list);
        }
    }

    @Override
    public void close() {
        loggers.forEach(l -> l.detachAppender(appender));
    }
}
