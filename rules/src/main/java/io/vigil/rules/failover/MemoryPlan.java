package io.vigil.rules.failover;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the VMs of a host share its memory while it carries its peer's VMs too: everything that
 * fits runs, higher priority first, each VM between its minimum and its normal memory, beside the
 * host's reserve. VMs already running there stay whatever the budget (stopping a healthy VM to make
 * room is not this plan's call); incoming VMs are admitted by priority while their minimums fit;
 * the rest are left down and named. What is left over is handed out by priority up to each VM's
 * normal memory, so the most important VMs shrink least.
 */
public record MemoryPlan(Map<String, Long> targets, List<String> leftDown, long budgetBytes) {
    public MemoryPlan {
        targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
        leftDown = List.copyOf(leftDown);
    }

    /** A VM to place: its sizes, its priority, and whether it already runs on the host. */
    public record Guest(String name, long normalBytes, long minBytes, int priority, boolean alreadyThere) {
        public Guest {
            Objects.requireNonNull(name, "name");
        }
    }

    public static MemoryPlan of(long hostTotalBytes, long reserveBytes, List<Guest> guests) {
        long budget = Math.max(0, hostTotalBytes - reserveBytes);
        Comparator<Guest> order =
                Comparator.comparingInt(Guest::priority).reversed().thenComparing(Guest::name);
        List<Guest> admitted = new ArrayList<>(
                guests.stream().filter(Guest::alreadyThere).sorted(order).toList());
        long mins = admitted.stream().mapToLong(Guest::minBytes).sum();
        List<String> leftDown = new ArrayList<>();
        for (Guest incoming :
                guests.stream().filter(g -> !g.alreadyThere()).sorted(order).toList()) {
            if (mins + incoming.minBytes() <= budget) {
                admitted.add(incoming);
                mins += incoming.minBytes();
            } else {
                leftDown.add(incoming.name());
            }
        }
        admitted.sort(order);
        long spare = Math.max(0, budget - mins);
        Map<String, Long> targets = new LinkedHashMap<>();
        for (Guest guest : admitted) {
            long extra = Math.min(spare, guest.normalBytes() - guest.minBytes());
            spare -= extra;
            targets.put(guest.name(), guest.minBytes() + extra);
        }
        return new MemoryPlan(targets, leftDown, budget);
    }
}
