package io.vigil.service.process;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a long-running Vigil process ends when it can no longer do its job: with one log line
 * saying why, and an exit status its supervisor (systemd's {@code Restart=always}) acts on.
 * A process whose HTTP dispatcher, stream thread or producer died while the JVM stays up looks
 * alive to everyone and evaluates nothing; a restart is the better outcome.
 *
 * <p>Fatal are: any {@link Error} in any thread (an {@code OutOfMemoryError} leaves no part of
 * the JVM sound), and any exception that ends one of Vigil's own threads (named {@code vigil-*})
 * or the JDK HTTP server's dispatcher. The {@code vigil} launcher also runs the JVM with
 * {@code -XX:+ExitOnOutOfMemoryError}, which covers the threads whose libraries catch what they
 * throw (Kafka's own threads log and swallow it).
 *
 * <p>Exiting is the commands' choice ({@link #exitOnFatal()}); a library user and the tests get
 * the log line only, so that one test's fault does not end the test run.
 */
public final class FatalErrors {
    /** {@code EX_SOFTWARE} of sysexits.h: an internal software error. */
    public static final int EXIT_STATUS = 70;

    private static final Logger log = LoggerFactory.getLogger(FatalErrors.class);
    private static volatile boolean exit;

    private FatalErrors() {}

    /** From now on a fatal error ends the process; threads that die uncaught are judged by {@link #isFatal}. */
    public static void exitOnFatal() {
        exit = true;
        Thread.setDefaultUncaughtExceptionHandler(FatalErrors::uncaught);
    }

    /** Reports {@code what} went wrong beyond repair (its cause logged before), and ends the process when {@link #exitOnFatal()} was called. */
    public static void fatal(String what) {
        fatal(what, null);
    }

    /** Reports {@code what} went wrong beyond repair, and ends the process when {@link #exitOnFatal()} was called. */
    public static void fatal(String what, Throwable cause) {
        String line = "FATAL: " + what
                + (exit
                        ? "; exiting with status " + EXIT_STATUS + " so that the supervisor restarts Vigil"
                        : "; this process cannot go on, restart it");
        try {
            log.error(line, cause);
        } catch (Throwable logging) {
            // the logger may be what failed (out of memory): the line must still reach the operator
            System.err.println(cause == null ? line : line + " (" + cause + ")");
        }
        if (exit) {
            // halt, not exit: shutdown hooks would wait on the very threads that failed
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }

    static boolean isFatal(Thread thread, Throwable e) {
        return e instanceof Error
                || thread.getName().startsWith("vigil-")
                || thread.getName().startsWith("HTTP-Dispatcher");
    }

    private static void uncaught(Thread thread, Throwable e) {
        if (isFatal(thread, e)) {
            fatal("thread " + thread.getName() + " died of " + e, e);
        } else {
            log.error("thread {} died of {}; the process carries on", thread.getName(), e.toString(), e);
        }
    }
}
