package io.vigil.lab.scenario;

import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandException;
import io.vigil.collectors.command.CommandResult;
import io.vigil.collectors.command.RunningCommand;
import io.vigil.collectors.drbd.DrbdEventsParser;
import io.vigil.collectors.drbd.DrbdStateModel;
import io.vigil.collectors.drbd.DrbdUpdate;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.events.DrbdResource;
import io.vigil.sim.SimulatedHost;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's DRBD probe without its threads, for the deterministic rig: one host's
 * {@code drbdsetup events2} stream followed into the production state model (so helper calls such
 * as split-brain are seen, which no dump shows), and its statistics dump merged in at the agent's
 * interval. The pair runs deterministically, so the stream's lines arrive as they happen.
 */
final class DrbdFollower {
    private static final Command EVENTS = Command.of("drbdsetup", "events2", "--timestamps", "--statistics");
    private static final Command NOW = Command.of("drbdsetup", "events2", "--now", "--timestamps", "--statistics");
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final SimulatedHost host;
    private final Duration statisticsInterval;
    private final DrbdStateModel model = new DrbdStateModel();
    private final List<String> lines = new ArrayList<>();
    private RunningCommand stream;
    private int lineNumber;
    private Instant nextStatistics = Instant.MIN;
    private boolean healthy;

    DrbdFollower(SimulatedHost host, Duration statisticsInterval) {
        this.host = host;
        this.statisticsInterval = statisticsInterval;
    }

    /** What changed since the last poll, as the agent would have published it; problems go to {@code problems}. */
    List<DrbdResource> poll(Instant now, List<String> problems) throws InterruptedException {
        int before = problems.size();
        List<DrbdResource> changed = pollStream(now, problems);
        healthy = problems.size() == before && stream != null && stream.isAlive() && model.initialStateDone();
        return changed;
    }

    /** As the probe's health says it: the stream followed, its initial state read, the last refresh clean. */
    boolean healthy() {
        return healthy;
    }

    private List<DrbdResource> pollStream(Instant now, List<String> problems) throws InterruptedException {
        List<DrbdResource> changed = new ArrayList<>();
        if (stream == null || !stream.isAlive()) {
            // the process died with its host's reboot, or never ran: start it again, as the probe does
            model.restart();
            lineNumber = 0;
            try {
                stream = host.start(EVENTS, this::keep);
            } catch (CommandException e) {
                problems.add("cannot start '" + EVENTS + "': " + e.getMessage());
                return changed;
            }
        }
        for (String line : taken()) {
            ParseResult<DrbdUpdate> parsed = DrbdEventsParser.parseLine(EVENTS.toString(), ++lineNumber, line);
            parsed.problems().forEach(p -> problems.add(p.toString()));
            for (DrbdUpdate update : parsed.values()) {
                changed.addAll(model.apply(update));
            }
        }
        if (!now.isBefore(nextStatistics)) {
            nextStatistics = now.plus(statisticsInterval);
            try {
                CommandResult dump = host.run(NOW, TIMEOUT);
                ParseResult<DrbdUpdate> parsed = DrbdEventsParser.parse(NOW.toString(), dump.stdout());
                parsed.problems().forEach(p -> problems.add(p.toString()));
                changed.addAll(model.merge(parsed.values()));
            } catch (CommandException e) {
                problems.add("statistics refresh: " + e.getMessage());
            }
        }
        return changed;
    }

    private synchronized void keep(String line) {
        lines.add(line);
    }

    private synchronized List<String> taken() {
        List<String> batch = List.copyOf(lines);
        lines.clear();
        return batch;
    }
}
