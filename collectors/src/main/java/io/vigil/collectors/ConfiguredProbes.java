package io.vigil.collectors;

import io.vigil.collectors.command.CommandRunner;
import io.vigil.collectors.command.HostFiles;
import io.vigil.collectors.config.AgentConfig;
import io.vigil.collectors.config.AgentConfig.ProbeSettings;
import io.vigil.collectors.drbd.DrbdEventsProbe;
import io.vigil.collectors.drbd.ProcDrbdProbe;
import io.vigil.collectors.lvm.LvmProbe;
import io.vigil.collectors.probe.Probe;
import io.vigil.collectors.smart.SmartProbe;
import io.vigil.collectors.vm.VmProbe;
import java.util.ArrayList;
import java.util.List;

/**
 * The probes an agent config asks for, over a host's commands and files: the real host's in
 * production, a simulated host's in the lab. The one place where config becomes probes.
 */
public final class ConfiguredProbes {
    private ConfiguredProbes() {}

    public static List<Probe> of(AgentConfig config, CommandRunner runner, HostFiles files) {
        ProbeSettings p = config.probes();
        List<Probe> probes = new ArrayList<>();
        if (p.drbd().enabled()) {
            probes.add(
                    p.drbd().version() >= 9
                            ? new DrbdEventsProbe(
                                    runner,
                                    files,
                                    p.drbd().statisticsInterval(),
                                    p.drbd().timeout(),
                                    p.drbd().latencyInterval())
                            : new ProcDrbdProbe(
                                    files,
                                    runner,
                                    p.drbd().statisticsInterval(),
                                    p.drbd().timeout()));
        }
        if (p.smart().enabled()) {
            probes.add(new SmartProbe(
                    runner, p.smart().devices(), p.smart().interval(), p.smart().timeout()));
        }
        if (p.lvm().enabled()) {
            probes.add(new LvmProbe(
                    runner,
                    config.resources().lvToResource(),
                    p.lvm().interval(),
                    p.lvm().timeout()));
        }
        if (p.vm().enabled()) {
            probes.add(new VmProbe(
                    runner,
                    new VmProbe.Settings(
                            p.vm().hypervisor(),
                            p.vm().libvirtUri(),
                            config.resources().vmToResource(),
                            config.resources().vmsExpectedOn(config.node()),
                            p.vm().guestAgent(),
                            p.vm().interval(),
                            p.vm().timeout())));
        }
        return probes;
    }
}
