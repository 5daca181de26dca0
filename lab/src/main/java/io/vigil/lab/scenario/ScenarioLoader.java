package io.vigil.lab.scenario;

import io.vigil.events.Name;
import io.vigil.service.config.DurationText;
import io.vigil.sim.Fault;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads a scenario folder, in the manner of Proxmox's HA manager tests: {@code README} (the story
 * in a paragraph), {@code schedule} (what happens when), {@code topology.yaml} (optional; the lab's
 * own topology otherwise) and {@code expected} (the timeline the story must produce). The folders
 * shipped with Vigil are on the class path and listed in {@code scenarios/index}; a user's own is
 * read from a directory. A schedule line that cannot be read is refused with its file and line.
 *
 * <pre>
 * step 1s                              # the simulated time between two reads of the hosts (default 1s)
 * end 10m                              # how long the story plays
 * 5s  fault disk-fail node-a /dev/sda  # any fault of the lab
 * 40s approve r0                       # vigil approve of r0's current saga
 * 9m  failback r0                      # vigil failback r0
 * 50s engine-restart                   # the engine instance dies between commits; another resumes from the stores
 * 50s engine-crash                     # it dies in its next step before the commit: that step's work is lost and redone
 * 70s kafka-down                       # the broker is unreachable: agents spool, the engine and executors wait (kafka-up ends it)
 * 80s agent-kill node-b                # node-b's agent dies (agent-start node-b starts it again)
 * 60s operator node-b drbdadm primary r0   # a human on node-b's shell (argv, no shell)
 * </pre>
 */
public final class ScenarioLoader {
    static final String ROOT = "/io/vigil/lab/scenarios/";
    private static final Duration LONGEST = Duration.ofDays(1);

    private ScenarioLoader() {}

    /** The names of the scenarios shipped with Vigil, in the order of their index. */
    public static List<String> shipped() {
        String index = resource("index")
                .orElseThrow(() -> new IllegalStateException("the scenario index is not in the jar; rebuild"));
        return index.lines()
                .map(ScenarioLoader::withoutComment)
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .toList();
    }

    /**
     * A shipped scenario by name, or a user's scenario folder by path (a name with a slash, or an
     * existing directory). Throws IllegalArgumentException naming what is missing or wrong, and
     * the scenarios there are.
     */
    public static Scenario load(String nameOrPath) {
        Path dir = Path.of(nameOrPath);
        if (nameOrPath.contains("/") || Files.isDirectory(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("no scenario folder at " + nameOrPath
                        + " (a folder with README, schedule and" + " optionally topology.yaml and expected)");
            }
            String name = dir.toAbsolutePath().normalize().getFileName().toString();
            return parse(name, dir.toString() + "/", file -> readFile(dir.resolve(file)));
        }
        if (!shipped().contains(nameOrPath)) {
            throw new IllegalArgumentException(
                    "no scenario named '" + Name.printable(nameOrPath) + "'; the scenarios are: "
                            + String.join(", ", shipped()) + " (or give the path of a scenario folder)");
        }
        return parse(nameOrPath, "scenarios/" + nameOrPath + "/", file -> resource(nameOrPath + "/" + file));
    }

    /** Reads one scenario whose files {@code files} gives by name; {@code where} prefixes the file names in messages. */
    static Scenario parse(String name, String where, Function<String, Optional<String>> files) {
        String readme = files.apply("README")
                .orElseThrow(() -> new IllegalArgumentException(
                        where + "README: missing; say in a" + " paragraph what the story is and what it must show"));
        String schedule =
                files.apply("schedule").orElseThrow(() -> new IllegalArgumentException(where + "schedule: missing"));
        String topologyFile = where + "topology.yaml";
        Optional<String> topology = files.apply("topology.yaml");
        if (topology.isEmpty()) {
            topologyFile = "lab-topology.yaml";
            topology = labTopology();
        }
        Optional<List<String>> expected =
                files.apply("expected").map(t -> t.lines().toList());
        List<Scenario.Timed> steps = new ArrayList<>();
        Duration step = Duration.ofSeconds(1);
        Optional<Duration> end = Optional.empty();
        List<String> lines = schedule.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = withoutComment(lines.get(i)).strip();
            if (line.isEmpty()) {
                continue;
            }
            String at = where + "schedule:" + (i + 1) + ": ";
            List<String> words = Arrays.asList(line.split("\\s+"));
            try {
                switch (words.get(0)) {
                    case "step" -> step = positive(only(words, "step DURATION"), "step");
                    case "end" -> end = Optional.of(positive(only(words, "end DURATION"), "end"));
                    default ->
                        steps.add(new Scenario.Timed(time(words.get(0)), i + 1, step(words.subList(1, words.size()))));
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + e.getMessage(), e);
            }
        }
        Duration until = end.orElseThrow(() -> new IllegalArgumentException(
                where + "schedule: no 'end DURATION' line; say how long" + " the story plays"));
        for (Scenario.Timed t : steps) {
            if (t.at().compareTo(until) > 0) {
                throw new IllegalArgumentException(where + "schedule:" + t.line() + ": at "
                        + DurationText.format(t.at()) + ", after the end (" + DurationText.format(until) + ")");
            }
        }
        steps.sort((a, b) -> a.at().compareTo(b.at()));
        return new Scenario(name, readme.strip(), topologyFile, topology.orElseThrow(), steps, step, until, expected);
    }

    private static ScenarioStep step(List<String> words) {
        if (words.isEmpty()) {
            throw new IllegalArgumentException(
                    "a time and nothing to do; write e.g. '5s fault disk-fail node-a /dev/sda'");
        }
        List<String> args = words.subList(1, words.size());
        return switch (words.get(0)) {
            case "fault" -> {
                String fault = String.join(" ", args);
                Fault.parse(fault);
                yield new ScenarioStep.InjectFault(fault);
            }
            case "approve" -> new ScenarioStep.Approve(only(words, "approve RESOURCE"));
            case "failback" -> new ScenarioStep.Failback(only(words, "failback RESOURCE"));
            case "engine-restart" -> {
                if (!args.isEmpty()) {
                    throw new IllegalArgumentException("'engine-restart' takes no arguments");
                }
                yield new ScenarioStep.RestartEngine();
            }
            case "engine-crash" -> {
                if (!args.isEmpty()) {
                    throw new IllegalArgumentException("'engine-crash' takes no arguments");
                }
                yield new ScenarioStep.CrashEngine();
            }
            case "agent-kill", "agent-start" ->
                new ScenarioStep.Agent(
                        only(words, words.get(0) + " NODE"), words.get(0).equals("agent-start"));
            case "kafka-down", "kafka-up" -> {
                if (!args.isEmpty()) {
                    throw new IllegalArgumentException("'" + words.get(0) + "' takes no arguments");
                }
                yield new ScenarioStep.Kafka(words.get(0).equals("kafka-up"));
            }
            case "operator" -> {
                if (args.size() < 2) {
                    throw new IllegalArgumentException("usage: operator NODE COMMAND [ARG...]");
                }
                yield new ScenarioStep.Operator(args.get(0), args.subList(1, args.size()));
            }
            default ->
                throw new IllegalArgumentException(
                        "unknown step '" + Name.printable(words.get(0))
                                + "'; the steps are fault, approve, failback, engine-restart, engine-crash, kafka-down, kafka-up, agent-kill, agent-start, operator (and the lines step and end)");
        };
    }

    private static String only(List<String> words, String usage) {
        if (words.size() != 2) {
            throw new IllegalArgumentException("usage: " + usage);
        }
        return words.get(1);
    }

    private static Duration time(String word) {
        Duration at = DurationText.parse(word);
        if (at.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("'" + word + "' is more than a day into the story");
        }
        return at;
    }

    private static Duration positive(String word, String what) {
        Duration d = time(word);
        if (d.isZero()) {
            throw new IllegalArgumentException(what + " must be more than 0");
        }
        return d;
    }

    private static String withoutComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }

    static Optional<String> labTopology() {
        return text(ScenarioLoader.class.getResourceAsStream("/io/vigil/lab/lab-topology.yaml"));
    }

    private static Optional<String> resource(String file) {
        return text(ScenarioLoader.class.getResourceAsStream(ROOT + file));
    }

    private static Optional<String> text(InputStream in) {
        if (in == null) {
            return Optional.empty();
        }
        try (in) {
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<String> readFile(Path file) {
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
