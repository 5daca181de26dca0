package io.vigil.app;

import io.vigil.collectors.command.Command;
import io.vigil.collectors.drbd.DrbdEventsParser;
import io.vigil.collectors.smart.SmartctlJsonParser;
import io.vigil.events.EnvelopeCodec;
import io.vigil.sim.SimulatedPair;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Parser throughput on the lab's tool output: events2 lines per second and smartctl documents
 * per second, each beside a baseline in the same process (splitting the same lines into words;
 * reading the same JSON into a tree), so the figure travels between machines as a ratio.
 */
@picocli.CommandLine.Command(
        name = "parsers",
        mixinStandardHelpOptions = true,
        description = "events2 lines/s and smartctl documents/s through the production parsers, against a baseline")
final class ParserBench implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--seconds",
            converter = AtLeastOne.class,
            description = "measuring time per figure (default ${DEFAULT-VALUE})")
    int seconds = 3;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        SimulatedPair pair = SimulatedPair.seed();
        pair.inject("disk-replace node-b /dev/sda"); // a resync in progress: the longest lines, with done/eta/rate
        pair.tick(Duration.ofSeconds(5));
        String events2 = pair.nodeA()
                .run(Command.of("drbdsetup", "events2", "--now", "--timestamps", "--statistics"), Duration.ofSeconds(5))
                .stdout();
        List<String> lines = events2.lines().toList();
        StringBuilder corpus = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            corpus.append(events2);
        }
        String events2Corpus = corpus.toString();
        int linesPerRound = lines.size() * 200;
        String smart = pair.nodeA()
                .run(Command.of("smartctl", "--json", "-a", "/dev/sda"), Duration.ofSeconds(5))
                .stdout();

        out.printf(
                Locale.ROOT,
                "parser bench: %d s per figure, after %d s of warm-up; input: the lab's node-a output%n",
                seconds,
                seconds);
        Figure drbd =
                measure(text -> DrbdEventsParser.parse("bench", text).values().size(), events2Corpus, linesPerRound);
        Figure drbdBase = measure(ParserBench::splitWords, events2Corpus, linesPerRound);
        report(out, "events2 lines/s", drbd, drbdBase, "split into key:value words");
        Figure smartctl =
                measure(text -> SmartctlJsonParser.parse("bench", text).values().size(), smart, 1);
        Figure smartBase = measure(ParserBench::readTree, smart, 1);
        report(out, "smartctl docs/s", smartctl, smartBase, "JSON read into a tree");
        out.flush();
        return 0;
    }

    record Figure(double perSecond, long rounds) {}

    private Figure measure(ToIntFunction<String> work, String input, int unitsPerRound) {
        long sink = 0;
        long warmEnd = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < warmEnd) {
            sink += work.applyAsInt(input);
        }
        long rounds = 0;
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        long now;
        do {
            sink += work.applyAsInt(input);
            rounds++;
            now = System.nanoTime();
        } while (now < end);
        if (sink == 42) {
            System.err.print(""); // keeps the work observable to the JIT
        }
        return new Figure(rounds * (double) unitsPerRound / ((now - start) / 1e9), rounds);
    }

    private static void report(PrintWriter out, String what, Figure figure, Figure baseline, String baselineWhat) {
        out.printf(
                Locale.ROOT,
                "  %-16s %,12.0f   baseline (%s) %,12.0f   ratio %.2f%n",
                what,
                figure.perSecond(),
                baselineWhat,
                baseline.perSecond(),
                figure.perSecond() / baseline.perSecond());
    }

    private static int splitWords(String text) {
        int words = 0;
        for (String line : text.split("\n")) {
            List<String> parts = new ArrayList<>();
            for (String word : line.split(" ")) {
                int colon = word.indexOf(':');
                parts.add(colon < 0 ? word : word.substring(colon + 1));
            }
            words += parts.size();
        }
        return words;
    }

    private static int readTree(String text) {
        try {
            return EnvelopeCodec.json().readTree(text).size();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
