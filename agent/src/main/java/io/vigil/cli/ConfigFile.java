package io.vigil.cli;

import io.vigil.service.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --config FILE} of a command that runs from a YAML config (agent, engine, notify test),
 * and its reading: every problem of the file with its line (a directory given, text that is not
 * UTF-8, a bad setting), or the file missing or unreadable, is said on the command's error stream
 * with the example to start from, and the command exits 2.
 */
public final class ConfigFile {
    /** Reads a config file: a loader of the agent's or the engine's config. */
    @FunctionalInterface
    public interface Loader<T> {
        T load(Path file) throws ConfigException, IOException;
    }

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the YAML config to run with")
    Path path;

    public Path path() {
        return path;
    }

    /** The config read by {@code loader}; empty when it cannot be used, after saying why (exit 2). */
    public <T> Optional<T> load(Loader<T> loader, String example) {
        PrintWriter err = command.commandLine().getErr();
        String name = command.qualifiedName();
        try {
            return Optional.of(loader.load(path));
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.println(name + ": " + path + " has " + e.problems().size() + " problem(s); fix them and start again"
                    + " (" + example + " is a commented example)");
        } catch (NoSuchFileException e) {
            err.println(name + ": " + path + ": no such file (" + example + " is an example to start from)");
        } catch (AccessDeniedException e) {
            err.println(
                    name + ": " + path + ": permission denied (run as a user that may read it, or make it readable)");
        } catch (IOException e) {
            err.println(name + ": " + path + ": cannot be read: " + e.getMessage());
        }
        err.flush();
        return Optional.empty();
    }
}
