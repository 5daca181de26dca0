package io.vigil.collectors.drbd;

import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandException;
import io.vigil.collectors.command.CommandResult;
import io.vigil.collectors.command.CommandRunner;
import io.vigil.collectors.command.ProcessCommandRunner;
import io.vigil.collectors.command.RunningCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Stands in for drbdsetup, which cannot run without the DRBD kernel module: each expected argv
 * is answered by a real process, {@code sh -c SCRIPT}, run by the real {@link ProcessCommandRunner},
 * so process handling (streaming, exit, stderr, kill) is the production one. Each argv has a list
 * of scripts used in turn (the last one repeats); commands it does not know (ping) run for real.
 */
final class FixtureCommandRunner implements CommandRunner {
    private final ProcessCommandRunner real = new ProcessCommandRunner();
    private final Map<List<String>, List<String>> scripts = new HashMap<>();
    private final Map<List<String>, Integer> uses = new HashMap<>();
    final List<Command> ran = new CopyOnWriteArrayList<>();

    FixtureCommandRunner answer(Command command, String... scriptsInTurn) {
        scripts.put(command.argv(), new ArrayList<>(List.of(scriptsInTurn)));
        return this;
    }

    private synchronized Command substitute(Command command) {
        ran.add(command);
        List<String> inTurn = scripts.get(command.argv());
        if (inTurn == null) {
            return command;
        }
        int n = uses.merge(command.argv(), 1, Integer::sum) - 1;
        return Command.of("sh", "-c", inTurn.get(Math.min(n, inTurn.size() - 1)));
    }

    long count(Command command) {
        return ran.stream().filter(command::equals).count();
    }

    @Override
    public CommandResult run(Command command, Duration timeout) throws CommandException {
        return real.run(substitute(command), timeout);
    }

    @Override
    public RunningCommand start(Command command, Consumer<String> lines) throws CommandException {
        return real.start(substitute(command), lines);
    }
}
