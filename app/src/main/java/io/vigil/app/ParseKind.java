package io.vigil.app;

import io.vigil.collectors.drbd.DrbdEventsParser;
import io.vigil.collectors.drbd.ProcDrbdParser;
import io.vigil.collectors.lvm.LvmReportParser;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.collectors.smart.SmartctlJsonParser;
import io.vigil.collectors.vm.VirshListParser;
import io.vigil.collectors.vm.XlListParser;
import io.vigil.events.Body;
import java.util.Arrays;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/** The captured outputs {@code vigil parse} reads, each with the production parser the agent uses. */
enum ParseKind {
    DRBD_EVENTS2("drbd-events2", "drbdsetup events2 [--timestamps] [--statistics]", DrbdEventsParser::toEvents),
    PROC_DRBD("proc-drbd", "/proc/drbd of DRBD 8", ProcDrbdParser::toEvents),
    SMARTCTL("smartctl", "smartctl --json -a DEVICE", SmartctlJsonParser::toEvents),
    LVS("lvs", "lvs --reportformat json --units b --nosuffix", LvmReportParser::toEvents),
    VGS("vgs", "vgs --reportformat json --units b --nosuffix", LvmReportParser::toEvents),
    VIRSH_LIST("virsh-list", "virsh list --all", VirshListParser::toEvents),
    XL_LIST("xl-list", "xl list", XlListParser::toEvents);

    final String word;
    final String tool;
    private final BiFunction<String, String, ParseResult<Body>> parser;

    ParseKind(String word, String tool, BiFunction<String, String, ParseResult<Body>> parser) {
        this.word = word;
        this.tool = tool;
        this.parser = parser;
    }

    ParseResult<Body> parse(String source, String text) {
        return parser.apply(source, text);
    }

    static ParseKind of(String word) {
        return Arrays.stream(values())
                .filter(k -> k.word.equals(word))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown kind '" + word + "'; one of: " + words()));
    }

    static String words() {
        return Arrays.stream(values()).map(k -> k.word).collect(Collectors.joining(", "));
    }
}
