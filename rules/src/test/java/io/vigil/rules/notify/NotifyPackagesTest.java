package io.vigil.rules.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The notifier laid out as Alertmanager's: every receiver in a package of its own, and the core
 * ({@code notify} and its other packages) knowing none of them, so that adding one touches
 * nothing else. Read from the sources: a class of another package is named either in an import
 * or fully qualified, so a scan for {@code io.vigil.rules.notify.PACKAGE.} finds every reference
 * between packages (javac would inline a constant, the sources keep its name).
 */
class NotifyPackagesTest {
    private static final Path ROOT = Path.of("src/main/java/io/vigil/rules/notify");
    private static final Pattern REFERENCE =
            Pattern.compile("io\\.vigil\\.rules\\.notify((?:\\.[a-z][a-z0-9_]*)*)\\.[A-Z*]");
    private static final Pattern RECEIVER = Pattern.compile("\\bimplements\\s+(?:[\\w.]+\\.)?Receiver\\b");

    /** Each package under notify ("" for notify itself) and the packages its sources name. */
    private static Map<String, Set<String>> references() {
        Map<String, Set<String>> refs = new TreeMap<>();
        for (Path file : sources()) {
            String pkg = packageOf(file);
            Set<String> named = refs.computeIfAbsent(pkg, k -> new TreeSet<>());
            Matcher m = REFERENCE.matcher(read(file));
            while (m.find()) {
                String other = m.group(1).isEmpty() ? "" : m.group(1).substring(1);
                if (!other.equals(pkg)) {
                    named.add(other);
                }
            }
        }
        return refs;
    }

    /** The packages below notify with a class implementing Receiver (in notify itself, those are the stages that wrap one). */
    private static Set<String> receiverPackages() {
        Set<String> receivers = new TreeSet<>();
        for (Path file : sources()) {
            if (!packageOf(file).isEmpty() && RECEIVER.matcher(read(file)).find()) {
                receivers.add(packageOf(file));
            }
        }
        return receivers;
    }

    @Test
    void everyReceiverHasAPackageOfItsOwnThatTheCoreNeverNames() {
        Set<String> receivers = receiverPackages();
        assertEquals(
                Set.of("alertmanager", "console", "email", "pagerduty", "slack", "webhook"),
                receivers,
                "the receiver packages (a class implementing Receiver)");
        List<String> wrong = new ArrayList<>();
        references().forEach((pkg, named) -> {
            if (!receivers.contains(pkg)) {
                named.stream()
                        .filter(receivers::contains)
                        .forEach(r -> wrong.add(describe(pkg) + " names " + describe(r)));
            }
        });
        assertEquals(List.of(), wrong, "the notifier's core knows no receiver (their registry is above notify)");
    }

    @Test
    void noPackageUnderNotifyDependsOnItselfThroughOthers() {
        Map<String, Set<String>> refs = references();
        List<String> cycles = new ArrayList<>();
        for (String start : refs.keySet()) {
            findCycle(start, start, refs, new ArrayList<>(List.of(start)), new TreeSet<>(), cycles);
        }
        assertEquals(List.of(), cycles, "package cycles");
        assertFalse(refs.isEmpty());
    }

    private static void findCycle(
            String start,
            String at,
            Map<String, Set<String>> refs,
            List<String> path,
            Set<String> seen,
            List<String> cycles) {
        for (String next : refs.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(start);
                cycles.add(String.join(
                        " -> ", cycle.stream().map(NotifyPackagesTest::describe).toList()));
            } else if (seen.add(next)) {
                path.add(next);
                findCycle(start, next, refs, path, seen, cycles);
                path.remove(path.size() - 1);
            }
        }
    }

    private static String describe(String pkg) {
        return pkg.isEmpty() ? "notify" : "notify." + pkg;
    }

    private static List<Path> sources() {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String packageOf(Path file) {
        return ROOT.relativize(file.getParent()).toString().replace('/', '.');
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
