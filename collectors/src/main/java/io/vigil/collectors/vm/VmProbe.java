package io.vigil.collectors.vm;

import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandException;
import io.vigil.collectors.command.CommandResult;
import io.vigil.collectors.command.CommandRunner;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.collectors.probe.PolledProbe;
import io.vigil.collectors.probe.ProbeException;
import io.vigil.collectors.probe.ProbeRemarks;
import io.vigil.events.Body;
import io.vigil.events.Hypervisor;
import io.vigil.events.Liveness;
import io.vigil.events.Name;
import io.vigil.events.VmState;
import io.vigil.events.VmStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * Reads the host's VMs, one {@link VmStatus} per VM. libvirt: {@code virsh -c URI list --all},
 * then {@code dominfo} for each VM, and for running VMs the config names in {@code guestAgent}
 * a guest-agent ping (answered: alive; not: not-responding). Xen: {@code xl list}. A VM that the
 * config maps to a DRBD resource but the hypervisor does not list is reported as missing, so
 * a VM that vanished is a fact the engine sees rather than a silence.
 *
 * <p>The poll fails when the VM list cannot be read: virsh (or xl) exiting non-zero is a failed
 * command, reported in its own stderr words ("failed to connect to the hypervisor"), not output
 * to parse. A failed poll publishes nothing, so the VMs' state is unknown rather than "no VMs" or
 * "missing", and the failure is logged by the probe board once, not per poll. A VM whose dominfo
 * fails is still reported, from the list, with its memory and vCPUs unknown (absent, not 0), as is
 * a VM reported missing: nothing reported them.
 */
public final class VmProbe implements PolledProbe {
    static final String GUEST_PING = "{\"execute\":\"guest-ping\"}";

    /**
     * The probe's config. {@code libvirtUri} is passed to virsh -c and must be a plain URI
     * ("qemu:///system", "qemu+ssh://root@node-b/system", "test:///default"); it is not used for Xen.
     */
    public record Settings(
            Hypervisor hypervisor,
            String libvirtUri,
            Map<String, String> vmToResource,
            Set<String> expectedHere,
            Set<String> guestAgent,
            Duration interval,
            Duration timeout) {
        // scheme "://" then printable non-space characters; never a leading '-', never a shell character
        private static final Pattern URI =
                Pattern.compile("[a-z][a-z0-9+.-]*://[A-Za-z0-9._~:/?#\\[\\]@!$&'()*+,;=%-]*");

        public Settings {
            Objects.requireNonNull(hypervisor, "vm hypervisor");
            libvirtUri = Objects.requireNonNullElse(libvirtUri, "");
            if (hypervisor == Hypervisor.LIBVIRT || !libvirtUri.isEmpty()) {
                checkUri(libvirtUri);
            }
            vmToResource = Map.copyOf(vmToResource);
            vmToResource.forEach((vm, resource) -> {
                Name.check("vm", vm);
                Name.check("drbd resource of vm " + vm, resource);
            });
            expectedHere = Set.copyOf(expectedHere);
            expectedHere.forEach(vm -> Name.check("expected vm", vm));
            guestAgent = Set.copyOf(guestAgent);
            guestAgent.forEach(vm -> Name.check("guest_agent vm", vm));
            positive("interval", interval);
            positive("timeout", timeout);
        }

        private static void checkUri(String uri) {
            if (uri.isEmpty() || uri.startsWith("-") || !URI.matcher(uri).matches() || uri.length() > 512) {
                throw new IllegalArgumentException(
                        "libvirt_uri: '" + Name.printable(uri)
                                + "' is not a libvirt URI (scheme://path, no spaces, not starting with '-'), e.g. qemu:///system");
            }
        }

        private static void positive(String what, Duration d) {
            Objects.requireNonNull(d, "vm " + what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("vm " + what + ": must be positive, was " + d);
            }
        }
    }

    private final CommandRunner runner;
    private final Settings settings;
    private final ProbeRemarks remarks = new ProbeRemarks(LoggerFactory.getLogger(VmProbe.class));

    public VmProbe(CommandRunner runner, Settings settings) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String name() {
        return "vm";
    }

    @Override
    public Duration interval() {
        return settings.interval();
    }

    @Override
    public Duration timeout() {
        return settings.timeout();
    }

    @Override
    public List<Body> poll() throws ProbeException, InterruptedException {
        remarks.startPoll();
        List<VmStatus> listed = switch (settings.hypervisor()) {
            case LIBVIRT -> libvirt();
            case XEN -> xen();
        };
        List<Body> vms = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (VmStatus vm : listed) {
            seen.add(vm.name());
            vms.add(vm);
        }
        // only a VM expected on this host is missing when absent; the peer's VMs run on the peer
        for (String configured : settings.expectedHere().stream().sorted().toList()) {
            if (!seen.contains(configured)) {
                remarks.warn(
                        "vm: vm=" + configured + " resource="
                                + settings.vmToResource().get(configured),
                        "is configured but " + settings.hypervisor().wire() + " does not list it");
                vms.add(new VmStatus(
                        configured,
                        Optional.empty(),
                        settings.hypervisor(),
                        VmState.MISSING,
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        resourceOf(configured),
                        Liveness.NOT_CHECKED,
                        Optional.of(true)));
            }
        }
        remarks.pollDone();
        return vms;
    }

    private List<VmStatus> libvirt() throws ProbeException, InterruptedException {
        String uri = settings.libvirtUri();
        CommandResult list = run(Command.of("virsh", "-c", uri, "list", "--all"));
        if (list.exitCode() != 0) {
            // virsh exits 1 on any error (no libvirtd, no permission, a bad URI) and says why on
            // stderr: a failed command, with nothing on stdout to read
            throw new ProbeException(list.exitSummary());
        }
        ParseResult<VirshListParser.Domain> domains = VirshListParser.parse("virsh list", list.stdout());
        if (domains.values().isEmpty() && !domains.problems().isEmpty()) {
            throw new ProbeException("'" + list.command() + "' printed no list: "
                    + domains.problems().get(0));
        }
        if (!domains.problems().isEmpty()) {
            remarks.warn("vm: '" + list.command() + "'", "printed rows it cannot read: " + domains.problemsText());
        }
        List<VmStatus> vms = new ArrayList<>();
        for (VirshListParser.Domain domain : domains.values()) {
            vms.add(status(uri, domain));
        }
        return vms;
    }

    private VmStatus status(String uri, VirshListParser.Domain domain) throws InterruptedException {
        Optional<VirshDominfoParser.DomainInfo> info = dominfo(uri, domain.name());
        VmState state = info.map(VirshDominfoParser.DomainInfo::state).orElse(domain.state());
        Liveness liveness = settings.guestAgent().contains(domain.name()) && state == VmState.RUNNING
                ? ping(uri, domain.name())
                : Liveness.NOT_CHECKED;
        return new VmStatus(
                domain.name(),
                info.flatMap(VirshDominfoParser.DomainInfo::uuid),
                Hypervisor.LIBVIRT,
                state,
                info.map(VirshDominfoParser.DomainInfo::usedMemoryBytes),
                info.map(VirshDominfoParser.DomainInfo::maxMemoryBytes),
                info.map(VirshDominfoParser.DomainInfo::vcpus),
                resourceOf(domain.name()),
                liveness,
                expectedHere(domain.name()));
    }

    private Optional<VirshDominfoParser.DomainInfo> dominfo(String uri, String vm) throws InterruptedException {
        String subject = "vm: vm=" + vm + " dominfo";
        CommandResult result;
        try {
            result = run(Command.of("virsh", "-c", uri, "dominfo", vm));
        } catch (ProbeException e) {
            remarks.warn(subject, e.getMessage());
            return Optional.empty();
        }
        if (result.exitCode() != 0) {
            remarks.warn(subject, result.exitSummary());
            return Optional.empty();
        }
        ParseResult<VirshDominfoParser.DomainInfo> info =
                VirshDominfoParser.parse("virsh dominfo " + vm, result.stdout());
        if (info.values().isEmpty()) {
            remarks.warn(
                    subject,
                    "printed no domain info: "
                            + (info.problems().isEmpty()
                                    ? "no output"
                                    : info.problems().get(0)));
            return Optional.empty();
        }
        if (!info.values().get(0).name().equals(vm)) {
            remarks.warn(subject, "answered for " + info.values().get(0).name());
            return Optional.empty();
        }
        if (!info.problems().isEmpty()) {
            remarks.warn(subject, "has lines it cannot read: " + info.problemsText());
        }
        return Optional.of(info.values().get(0));
    }

    private Liveness ping(String uri, String vm) throws InterruptedException {
        String subject = "vm: vm=" + vm + " guest agent";
        try {
            CommandResult result = run(Command.of("virsh", "-c", uri, "qemu-agent-command", vm, GUEST_PING));
            if (result.exitCode() == 0) {
                return Liveness.ALIVE;
            }
            remarks.info(subject, "did not answer: " + result.exitSummary());
        } catch (ProbeException e) {
            remarks.info(subject, "did not answer: " + e.getMessage());
        }
        return Liveness.NOT_RESPONDING;
    }

    private List<VmStatus> xen() throws ProbeException, InterruptedException {
        CommandResult list = run(Command.of("xl", "list"));
        if (list.exitCode() != 0) {
            throw new ProbeException(list.exitSummary());
        }
        ParseResult<VmStatus> vms = XlListParser.parse("xl list", list.stdout());
        if (vms.values().isEmpty() && !vms.problems().isEmpty()) {
            throw new ProbeException(
                    "'xl list' printed no list: " + vms.problems().get(0));
        }
        if (!vms.problems().isEmpty()) {
            remarks.warn("vm: 'xl list'", "printed rows it cannot read: " + vms.problemsText());
        }
        return vms.values().stream()
                .map(vm -> new VmStatus(
                        vm.name(),
                        vm.uuid(),
                        vm.hypervisor(),
                        vm.state(),
                        vm.memoryBytes(),
                        vm.maxMemoryBytes(),
                        vm.vcpus(),
                        resourceOf(vm.name()),
                        vm.liveness(),
                        expectedHere(vm.name())))
                .toList();
    }

    private Optional<Boolean> expectedHere(String vm) {
        return Optional.of(settings.expectedHere().contains(vm));
    }

    private Optional<String> resourceOf(String vm) {
        return Optional.ofNullable(settings.vmToResource().get(vm));
    }

    private CommandResult run(Command command) throws ProbeException, InterruptedException {
        try {
            return runner.run(command, settings.timeout());
        } catch (CommandException e) {
            if (e.getCause() instanceof InterruptedException
                    || Thread.currentThread().isInterrupted()) {
                Thread.interrupted();
                throw new InterruptedException(e.getMessage());
            }
            throw new ProbeException(e.getMessage(), e);
        }
    }
}
