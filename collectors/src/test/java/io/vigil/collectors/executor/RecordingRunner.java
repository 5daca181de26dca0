package io.vigil.collectors.executor;

import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandException;
import io.vigil.collectors.command.CommandResult;
import io.vigil.collectors.command.CommandRunner;
import io.vigil.collectors.command.RunningCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Stands in for drbdadm, virsh, xl and fence tools (none is on a build machine): answers each argv
 * with replies given in turn (the last repeats; exit 0 and no output when none is given), and
 * records every command and its timeout.
 */
final class RecordingRunner implements CommandRunner {
    record Reply(int exitCode, String stdout, String stderr) {
        static Reply ok(String stdout) {
            return new Reply(0, stdout, "");
        }

        static Reply fails(int exitCode, String stderr) {
            return new Reply(exitCode, "", stderr);
        }
    }

    /** What changed the host, in order: the state a promotion reads first is kept apart, in {@link #reads}. */
    final List<Command> ran = new CopyOnWriteArrayList<>();

    final List<Command> reads = new CopyOnWriteArrayList<>();
    private static final List<String> PROMOTION_STATE_READ = List.of("drbdsetup", "events2", "--now");
    final List<Duration> timeouts = new CopyOnWriteArrayList<>();
    private final Map<List<String>, List<Reply>> replies = new HashMap<>();
    private final Map<List<String>, Integer> uses = new HashMap<>();
    private final Map<List<String>, String> kills = new HashMap<>();
    private Runnable onRun = () -> {};

    RecordingRunner answer(Command command, Reply... inTurn) {
        replies.put(command.argv(), new ArrayList<>(List.of(inTurn)));
        return this;
    }

    /** Makes {@code command} end as the process runner ends one killed past its timeout. */
    RecordingRunner killAfterTimeout(Command command) {
        kills.put(command.argv(), "killed after running longer than 30000 ms");
        return this;
    }

    /** Runs before each command is answered (a test clock moves on, as time does while a tool runs). */
    RecordingRunner onRun(Runnable hook) {
        this.onRun = hook;
        return this;
    }

    List<List<String>> argvs() {
        return ran.stream().map(Command::argv).toList();
    }

    @Override
    public synchronized CommandResult run(Command command, Duration timeout) throws CommandException {
        if (command.argv().equals(PROMOTION_STATE_READ)) {
            reads.add(command);
        } else {
            ran.add(command);
            timeouts.add(timeout);
        }
        onRun.run();
        if (kills.containsKey(command.argv())) {
            throw new CommandException(command, kills.get(command.argv()), true, null);
        }
        List<Reply> inTurn = replies.get(command.argv());
        Reply reply = new Reply(0, "", "");
        if (inTurn != null) {
            int n = uses.merge(command.argv(), 1, Integer::sum) - 1;
            reply = inTurn.get(Math.min(n, inTurn.size() - 1));
        }
        return new CommandResult(command, reply.exitCode(), reply.stdout(), reply.stderr(), Duration.ZERO);
    }

    @Override
    public RunningCommand start(Command command, Consumer<String> lines) {
        throw new UnsupportedOperationException("the executor runs no streaming command");
    }
}
