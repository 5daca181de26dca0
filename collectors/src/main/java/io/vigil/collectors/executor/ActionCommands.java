package io.vigil.collectors.executor;

import io.vigil.collectors.command.Command;
import io.vigil.events.Action;
import io.vigil.events.ActionType;
import io.vigil.events.Hypervisor;
import io.vigil.events.Name;
import io.vigil.service.topology.ClusterTopology;
import io.vigil.service.topology.FenceCommands;
import io.vigil.service.topology.NodeTopology;
import io.vigil.service.topology.Topology;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The argv of each action, built from its type and its names (resource, VM: checked by
 * {@link Action} against io.vigil.events.Name, so none starts with '-' or holds a shell character)
 * and from this host's config and the shared topology (the libvirt URI, Xen's config directory,
 * migration destinations, fence commands). Nothing of an action's text other than those names
 * reaches an argv, and no argv passes through a shell.
 */
public final class ActionCommands {
    private final Hypervisor hypervisor;
    private final String libvirtUri;
    private final Path xenConfigDir;
    private final Topology topology;
    private final String cluster;

    public ActionCommands(
            Hypervisor hypervisor, String libvirtUri, Path xenConfigDir, Topology topology, String cluster) {
        this.hypervisor = Objects.requireNonNull(hypervisor, "hypervisor");
        this.libvirtUri = Objects.requireNonNull(libvirtUri, "libvirtUri");
        this.xenConfigDir = Objects.requireNonNull(xenConfigDir, "xenConfigDir");
        this.topology = Objects.requireNonNull(topology, "topology");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    /** The plan for {@code action}; refused when the topology lacks what it needs. */
    public ActionPlan plan(Action action) throws ActionRefused {
        ActionType type = action.type();
        return switch (type) {
            case DRBD_PRIMARY ->
                new ActionPlan.Promote(
                        type,
                        Command.of("drbdadm", "primary", resource(action)),
                        Command.of("drbdsetup", "events2", "--now"),
                        resource(action));
            case DRBD_SECONDARY -> new ActionPlan.Once(type, Command.of("drbdadm", "secondary", resource(action)));
            case DRBD_ALLOW_TWO_PRIMARIES ->
                new ActionPlan.Once(
                        type, Command.of("drbdadm", "net-options", "--allow-two-primaries=yes", resource(action)));
            case DRBD_DISALLOW_TWO_PRIMARIES ->
                new ActionPlan.Once(
                        type, Command.of("drbdadm", "net-options", "--allow-two-primaries=no", resource(action)));
            case VM_SET_MEMORY ->
                new ActionPlan.Once(
                        type, setMemory(vm(action), action.memoryBytes().orElseThrow()));
            case VM_MIGRATE_LIVE -> migrate(action);
            case VM_SHUTDOWN ->
                new ActionPlan.ShutdownVm(
                        type,
                        hypervisor == Hypervisor.LIBVIRT
                                ? virsh("shutdown", vm(action))
                                : Command.of("xl", "shutdown", vm(action)),
                        vmState(vm(action)),
                        hypervisor);
            case VM_DESTROY ->
                new ActionPlan.Once(
                        type,
                        hypervisor == Hypervisor.LIBVIRT
                                ? virsh("destroy", vm(action))
                                : Command.of("xl", "destroy", vm(action)));
            case VM_START -> start(action);
            case FENCE -> {
                FenceCommands fence = fence(action);
                yield new ActionPlan.Fence(type, new Command(fence.powerOff()), fence.timeout());
            }
            case FENCE_STATUS -> {
                FenceCommands fence = fence(action);
                yield new ActionPlan.FenceStatus(
                        type, new Command(fence.status()), fence.offWhenOutputContains(), fence.timeout());
            }
        };
    }

    /** The command whose output says whether {@code vm} runs here: {@code virsh domstate VM}, {@code xl list VM}. */
    public Command vmState(String vm) {
        return hypervisor == Hypervisor.LIBVIRT ? virsh("domstate", vm) : Command.of("xl", "list", vm);
    }

    private ActionPlan migrate(Action action) throws ActionRefused {
        String vm = vm(action);
        NodeTopology target = target(action);
        String destination = target.migrateDestination();
        if (hypervisor == Hypervisor.LIBVIRT) {
            return new ActionPlan.MigrateVm(
                    action.type(),
                    virsh("migrate", "--live", vm, destination),
                    Optional.of(Command.of("virsh", "-c", destination, "domstate", vm)));
        }
        // xl migrate's destination is a host reached over ssh; the executor does not ask it anything
        String host = xlHost(destination)
                .orElseThrow(() -> new ActionRefused(
                        RefusalReason.NOT_CONFIGURED,
                        "node " + target.name()
                                + "'s migrate_to '" + Name.printable(destination)
                                + "' names no host xl migrate can use (a host name, or a URI"
                                + " such as qemu+ssh://" + target.name() + "/system)"));
        return new ActionPlan.MigrateVm(action.type(), Command.of("xl", "migrate", vm, host), Optional.empty());
    }

    /**
     * The host {@code xl migrate} wants, from the topology's destination: a host as it is, or the
     * host of a URI ({@code qemu+ssh://root@node-a:22/system}: node-a; ssh's own config gives the
     * user and port). Empty unless it is a plain name: xl puts it into the ssh command line it
     * runs through a shell.
     */
    static Optional<String> xlHost(String destination) {
        String host = destination;
        int scheme = destination.indexOf("://");
        if (scheme >= 0) {
            host = destination.substring(scheme + 3);
            int end = 0;
            while (end < host.length() && "/?#".indexOf(host.charAt(end)) < 0) {
                end++;
            }
            host = host.substring(0, end);
            host = host.substring(host.lastIndexOf('@') + 1);
            int port = host.lastIndexOf(':');
            host = port < 0 ? host : host.substring(0, port);
        }
        return Optional.of(host).filter(Name::isValid);
    }

    /**
     * A start, at the action's memory when it carries one: the memory plan's share for a VM that
     * boots where its peer's VMs already take room. The size holds for this boot only, as it does
     * for Xen, so a later cold boot (an operator's, a failback's) is at the VM's configured size.
     */
    private ActionPlan start(Action action) throws ActionRefused {
        String vm = vm(action);
        if (hypervisor == Hypervisor.LIBVIRT) {
            if (action.memoryBytes().isEmpty()) {
                return new ActionPlan.StartVm(action.type(), virsh("start", vm), Optional.empty());
            }
            long kib = action.memoryBytes().get() / 1024;
            if (kib < 1) {
                throw new ActionRefused(
                        RefusalReason.NOT_ALLOWED,
                        "virsh setmem takes whole KiB; " + action.memoryBytes().get() + " bytes is less than one");
            }
            return new ActionPlan.StartVmAt(
                    action.type(),
                    virsh("start", vm),
                    virsh("dominfo", vm),
                    kib,
                    size -> virsh("setmem", vm, Long.toString(size), "--config"));
        }
        String config = xenConfigDir.resolve(vm + ".cfg").toString();
        // xl create takes key=value overrides after the file, for this domain only; the file is not changed
        Command create = action.memoryBytes().isEmpty()
                ? Command.of("xl", "create", config)
                : Command.of(
                        "xl",
                        "create",
                        config,
                        "memory=" + mebibytes(action.memoryBytes().get()));
        // xl create has no "already running" reply of its own: ask xl list first
        return new ActionPlan.StartVm(action.type(), create, Optional.of(Command.of("xl", "list", vm)));
    }

    private static long mebibytes(long bytes) throws ActionRefused {
        long mebibytes = bytes / (1024 * 1024);
        if (mebibytes < 1) {
            throw new ActionRefused(
                    RefusalReason.NOT_ALLOWED, "xl takes whole MiB; " + bytes + " bytes is less than one");
        }
        return mebibytes;
    }

    private Command setMemory(String vm, long bytes) throws ActionRefused {
        if (hypervisor == Hypervisor.LIBVIRT) {
            return virsh("setmem", vm, Long.toString(bytes / 1024), "--live");
        }
        return Command.of("xl", "mem-set", vm, mebibytes(bytes) + "m");
    }

    private Command virsh(String... args) {
        String[] argv = new String[args.length + 3];
        argv[0] = "virsh";
        argv[1] = "-c";
        argv[2] = libvirtUri;
        System.arraycopy(args, 0, argv, 3, args.length);
        return Command.of(argv);
    }

    private FenceCommands fence(Action action) throws ActionRefused {
        NodeTopology target = target(action);
        return target.fence()
                .orElseThrow(() -> new ActionRefused(
                        RefusalReason.NOT_CONFIGURED,
                        "node " + target.name() + " has no fence commands in the topology"));
    }

    /** The action's target node as the topology describes it: the other node of this pair. */
    private NodeTopology target(Action action) throws ActionRefused {
        ClusterTopology pair = topology.cluster(cluster)
                .orElseThrow(() -> new ActionRefused(
                        RefusalReason.NOT_CONFIGURED, "cluster " + cluster + " is not in the topology"));
        String target = action.target().orElseThrow();
        return pair.node(target)
                .orElseThrow(() -> new ActionRefused(
                        RefusalReason.NOT_CONFIGURED,
                        "node " + target + " is not a node of " + cluster + " in the topology"));
    }

    private static String resource(Action action) {
        return action.resource().orElseThrow();
    }

    private static String vm(Action action) {
        return action.vm().orElseThrow();
    }
}
