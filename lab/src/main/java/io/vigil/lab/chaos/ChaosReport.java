package io.vigil.lab.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A campaign's figures: runs, faults by kind, violations by invariant, and per fault kind the time
 * to recovery and the VM downtime (p50, p99, max), with the runs that broke something and the
 * command that replays each.
 */
public record ChaosReport(
        long seed,
        int runs,
        Map<String, Integer> faults,
        Map<String, Integer> violations,
        Map<String, Figures> recovery,
        Map<String, Figures> downtime,
        int unrecovered,
        List<Failed> failed) {

    /** p50, p99 and max of a figure over its samples, in seconds. */
    public record Figures(int n, double p50, double p99, double max) {
        static Figures of(List<Double> samples) {
            List<Double> sorted = new ArrayList<>(samples);
            sorted.sort(null);
            return new Figures(
                    sorted.size(),
                    at(sorted, 0.50),
                    at(sorted, 0.99),
                    sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1));
        }

        private static double at(List<Double> sorted, double q) {
            return sorted.isEmpty()
                    ? 0
                    : sorted.get(Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1)));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "p50 %.0f s, p99 %.0f s, max %.0f s (n=%d)", p50, p99, max, n);
        }
    }

    /** A run that broke an invariant: what broke, and how to see it again. */
    public record Failed(int run, List<String> violations, String replay) {}

    /** The report as a reader sees it. */
    public String text() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "chaos: seed %d, %d runs, %d faults%n",
                seed,
                runs,
                faults.values().stream().mapToInt(Integer::intValue).sum()));
        out.append("faults injected:\n");
        faults.forEach((kind, n) -> out.append(String.format(Locale.ROOT, "  %-16s %5d%n", kind, n)));
        out.append("violations by invariant:").append(violations.isEmpty() ? " none\n" : "\n");
        violations.forEach((name, n) -> out.append(String.format(Locale.ROOT, "  %-44s %5d%n", name, n)));
        out.append("time to recovery (every VM served again from an UpToDate Primary), by fault:\n");
        recovery.forEach((kind, f) -> out.append(String.format(Locale.ROOT, "  %-16s %s%n", kind, f)));
        out.append(
                String.format(Locale.ROOT, "  not recovered within the run: %d (pages stand for them)%n", unrecovered));
        out.append("VM downtime per run (VM-seconds down after the latest fault of that kind):\n");
        downtime.forEach((kind, f) -> out.append(String.format(Locale.ROOT, "  %-16s %s%n", kind, f)));
        for (Failed f : failed) {
            out.append("FAILED run ")
                    .append(f.run())
                    .append(": ")
                    .append(String.join("; ", f.violations()))
                    .append("\n  replay: ")
                    .append(f.replay())
                    .append('\n');
        }
        return out.toString();
    }

    /** The report of a single run. */
    public static ChaosReport of(ChaosVerdict verdict) {
        return of(verdict.plan().seed(), List.of(verdict));
    }

    /** The report of these runs of {@code seed}. */
    public static ChaosReport of(long seed, List<ChaosVerdict> verdicts) {
        Builder b = new Builder(seed);
        verdicts.forEach(b::add);
        return b.build();
    }

    static final class Builder {
        private final long seed;
        private int runs;
        private final Map<String, Integer> faults = new TreeMap<>();
        private final Map<String, Integer> violations = new TreeMap<>();
        private final Map<String, List<Double>> recovery = new TreeMap<>();
        private final Map<String, List<Double>> downtime = new TreeMap<>();
        private int unrecovered;
        private final List<Failed> failed = new ArrayList<>();

        Builder(long seed) {
            this.seed = seed;
        }

        void add(ChaosVerdict v) {
            runs++;
            v.applied().forEach((kind, n) -> faults.merge(kind, n, Integer::sum));
            v.recoveries()
                    .forEach((kind, list) -> recovery.computeIfAbsent(kind, k -> new ArrayList<>())
                            .addAll(list));
            v.applied()
                    .keySet()
                    .forEach(kind -> downtime.computeIfAbsent(kind, k -> new ArrayList<>())
                            .add(v.downtime().getOrDefault(kind, 0.0)));
            unrecovered += v.unrecovered();
            for (String violation : v.violations()) {
                violations.merge(violation.split("[ :]")[0], 1, Integer::sum);
            }
            if (!v.held()) {
                failed.add(new Failed(v.plan().run(), v.violations(), v.plan().replay()));
            }
        }

        ChaosReport build() {
            Map<String, Figures> rec = new TreeMap<>();
            recovery.forEach((k, l) -> rec.put(k, Figures.of(l)));
            Map<String, Figures> down = new TreeMap<>();
            downtime.forEach((k, l) -> down.put(k, Figures.of(l)));
            return new ChaosReport(seed, runs, faults, violations, rec, down, unrecovered, failed);
        }
    }
}
