package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/** Every command's --help, as a user reads it in a terminal of the width picocli lays it out for. */
class HelpTextTest {
    private static List<CommandLine> everyCommand(CommandLine line) {
        List<CommandLine> out = new ArrayList<>(List.of(line));
        line.getSubcommands().values().stream().distinct().forEach(sub -> out.addAll(everyCommand(sub)));
        return out;
    }

    private static String where(CommandSpec spec) {
        return "'" + spec.qualifiedName() + " --help'";
    }

    @Test
    void noHelpLineIsWiderThanTheWidthPicocliWrapsTo() {
        List<String> tooWide = new ArrayList<>();
        for (CommandLine command : everyCommand(Vigil.commandLine())) {
            int width = command.getUsageHelpWidth();
            for (String line : command.getUsageMessage().split("\\R")) {
                if (line.length() > width) {
                    tooWide.add(where(command.getCommandSpec()) + ": " + line);
                }
            }
        }
        assertEquals(List.of(), tooWide);
    }

    /**
     * Each element of a description is printed on lines of its own, so an element that ends
     * mid-sentence is a hard line break picocli cannot wrap around: a paragraph is one element.
     */
    @Test
    void noDescriptionBreaksALineMidSentence() {
        List<String> broken = new ArrayList<>();
        for (CommandLine command : everyCommand(Vigil.commandLine())) {
            CommandSpec spec = command.getCommandSpec();
            check(where(spec), spec.usageMessage().description(), broken);
            check(where(spec) + " header", spec.usageMessage().header(), broken);
            for (ArgSpec arg : spec.args()) {
                check(
                        where(spec) + " "
                                + (arg.isOption()
                                        ? ((CommandLine.Model.OptionSpec) arg).longestName()
                                        : arg.paramLabel()),
                        arg.description(),
                        broken);
            }
        }
        assertEquals(List.of(), broken);
    }

    private static void check(String where, String[] elements, List<String> broken) {
        for (int i = 0; i + 1 < elements.length; i++) {
            String text = elements[i].strip();
            if (!text.isEmpty()
                    && !text.matches("(?s).*[.:!?)]")
                    && !elements[i + 1].isBlank()
                    && !elements[i + 1].startsWith(" ")) {
                broken.add(where + ": '" + text + "' / '" + elements[i + 1].strip() + "'");
            }
        }
    }
}
