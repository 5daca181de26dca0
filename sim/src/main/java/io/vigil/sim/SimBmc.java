package io.vigil.sim;

import io.vigil.events.Name;
import java.util.List;
import java.util.Optional;

/**
 * The lab's out-of-band power controller, {@code vigil-sim-bmc --host NODE power off|on|status},
 * answered by either simulated host for either node, even when that node is frozen or off (a BMC
 * has its own power and network). It words its answers as ipmitool's chassis power commands do:
 * "Chassis Power Control: Down/Off", "Chassis Power Control: Up/On", "Chassis Power is on|off";
 * a BMC that does not answer gives ipmitool's session error and exit 1. A host that powers itself
 * off is gone before the answer reaches it: {@link SimulatedHost#run} then hangs the call until
 * the caller's timeout, as for any host that is down. Called under the pair's lock.
 */
final class SimBmc {
    static final String PROGRAM = "vigil-sim-bmc";
    private static final String NO_SESSION = "Error: Unable to establish IPMI v2 / RMCP+ session\n";

    private SimBmc() {}

    static ToolAnswers.Answer answer(SimulatedPair pair, List<String> argv) {
        List<String> args = argv.subList(1, argv.size());
        if (args.size() != 4
                || !args.get(0).equals("--host")
                || !args.get(2).equals("power")
                || !List.of("off", "on", "status").contains(args.get(3))) {
            return new ToolAnswers.Answer(
                    1,
                    "",
                    "usage: " + PROGRAM + " --host NODE power off|on|status (got '"
                            + Name.printable(String.join(" ", args)) + "')\n");
        }
        Optional<SimulatedHost> target = pair.host(args.get(1));
        if (target.isEmpty() || target.get().bmcBroken) {
            return new ToolAnswers.Answer(1, "", NO_SESSION);
        }
        SimulatedHost host = target.get();
        return switch (args.get(3)) {
            case "off" -> {
                if (!host.bmcLies) {
                    pair.powerOff(host);
                }
                yield ToolAnswers.Answer.ok("Chassis Power Control: Down/Off\n");
            }
            case "on" -> {
                pair.powerOn(host);
                yield ToolAnswers.Answer.ok("Chassis Power Control: Up/On\n");
            }
            default -> ToolAnswers.Answer.ok("Chassis Power is " + (host.poweredOn ? "on" : "off") + "\n");
        };
    }
}
