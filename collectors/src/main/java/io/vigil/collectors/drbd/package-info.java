/**
 * DRBD, as the agent sees it: DRBD 9 through {@code drbdsetup events2}
 * ({@link io.vigil.collectors.drbd.DrbdEventsParser}, {@link io.vigil.collectors.drbd.DrbdStateModel},
 * {@link io.vigil.collectors.drbd.DrbdEventsProbe}) and DRBD 8 through {@code /proc/drbd}
 * ({@link io.vigil.collectors.drbd.ProcDrbdParser}, {@link io.vigil.collectors.drbd.ProcDrbdProbe}).
 *
 * <h2>Replication latency: what the two figures mean</h2>
 *
 * DRBD reports no latency of its own, so the DRBD 9 probe measures two figures per connection,
 * every {@code latency_interval}, and puts them in {@code DrbdConnection.latency}:
 *
 * <ul>
 * <li><b>{@code roundTripSeconds}</b>: the average round-trip time of three ICMP echoes
 * ({@code ping -n -q -c 3 -i 0.2 -W 1}) from this node to the peer's replication address, the
 * IP of the connection's path as DRBD reports it (the established path first). It is the floor
 * of what a synchronous (protocol C) write costs on top of the local disk: every write waits at
 * least one such round trip for the peer's acknowledgement. It measures the network path only,
 * not the peer's disk nor DRBD's queues, and ICMP may be treated differently from DRBD's TCP
 * traffic. Empty when no echo came back (peer or link down, ICMP filtered) or the path address
 * is not a plain IPv4/IPv6 address.</li>
 * <li><b>{@code oldestRequestSeconds}</b>: the age, at the moment of measuring, of the oldest
 * application request towards this peer that DRBD has not finished with (not yet sent, sent but
 * not acknowledged, or acknowledged but not yet done on the network side), read from DRBD's
 * debugfs file {@code /sys/kernel/debug/drbd/resources/<resource>/connections/<peer>/oldest_requests}.
 * 0 means nothing is in flight. A value that grows from one measurement to the next means
 * replication is stuck or far behind (slow link, congested peer, a peer disk that hangs), long
 * before out-of-sync figures move. It is a sample, not an average: one slow request shows, the
 * ones completed between two samples do not. Empty where the kernel offers no such file (debugfs
 * not mounted, not readable, an older DRBD) or its layout is not the one this agent knows.</li>
 * </ul>
 *
 * Replication <i>lag</i> is reported separately: out-of-sync bytes and, during a resync, done %,
 * rate and the estimated seconds to finish ({@code DrbdPeerDevice}). DRBD 8 ({@code /proc/drbd})
 * gets neither latency figure.
 */
package io.vigil.collectors.drbd;
