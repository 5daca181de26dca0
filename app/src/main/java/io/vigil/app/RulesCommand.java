package io.vigil.app;

import io.vigil.rules.rule.RuleLoadException;
import io.vigil.rules.rule.RuleLoader;
import io.vigil.rules.rule.RuleSet;
import io.vigil.rules.ruletest.RuleTestRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil rules}: check rule files, and run their tests, before the engine loads them. */
@Command(
        name = "rules",
        mixinStandardHelpOptions = true,
        description = "Checks rule files and runs rule tests, as promtool does for Prometheus rules.",
        subcommands = {RulesCommand.Check.class, RulesCommand.Test.class})
final class RulesCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = {
                "Loads rule files as the engine does: YAML, keys, and every CEL expression type-checked against "
                        + "the events it looks at. Prints every problem with file and line; exits 1 if there is one."
            },
            footer = {"", "Example: vigil rules check deploy/rules/"})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(
                arity = "1..*",
                paramLabel = "FILE",
                description = "rule files, or directories of them (*.yaml, *.yml)")
        List<Path> files;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            // a directory with no rule files loads as zero rules, which is no success: most likely the wrong directory
            List<Path> empty = files.stream()
                    .filter(Files::isDirectory)
                    .filter(dir -> !hasRuleFiles(dir))
                    .toList();
            if (!empty.isEmpty()) {
                empty.forEach(dir -> err.println("vigil rules check: no rule files in " + dir + " (*.yaml, *.yml)"));
                err.println("FAILED: nothing to check");
                err.flush();
                return 1;
            }
            try {
                RuleSet rules = RuleLoader.load(files);
                out.println("SUCCESS: " + rules.size() + " rules and "
                        + (rules.inhibitRules().size()
                                + rules.failoverInhibitions().size()) + " inhibitions found");
                out.flush();
                return 0;
            } catch (RuleLoadException e) {
                e.problems().forEach(p -> err.println(p.describe()));
                err.println("FAILED: " + e.problems().size() + " problem"
                        + (e.problems().size() == 1 ? "" : "s"));
                err.flush();
                return 1;
            }
        }

        private static boolean hasRuleFiles(Path dir) {
            try (Stream<Path> entries = Files.list(dir)) {
                return entries.anyMatch(f ->
                        Files.isRegularFile(f) && f.getFileName().toString().matches(".*\\.ya?ml"));
            } catch (IOException e) {
                return true; // unreadable: the loader says why
            }
        }
    }

    @Command(
            name = "test",
            mixinStandardHelpOptions = true,
            description = {
                "Runs rule test files: input events at times relative to t=0, and the alerts expected at given "
                        + "times, evaluated by the engine's own evaluator. Prints each failing case as expected versus got; "
                        + "exits 1 if any case fails. The format is in docs/rules.md, under \"Testing rules\"."
            },
            footer = {"", "Example: vigil rules test deploy/rules/tests/*.yaml"})
    static final class Test implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "rule test files")
        List<Path> files;

        @Override
        public Integer call() {
            boolean passed = RuleTestRunner.run(files, spec.commandLine().getOut());
            spec.commandLine().getOut().println(passed ? "SUCCESS" : "FAILED");
            spec.commandLine().getOut().flush();
            return passed ? 0 : 1;
        }
    }
}
