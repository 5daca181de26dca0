/**
 * Vigil's history: DRBD replication samples, the state timeline, resync episodes, alerts and the
 * failover audit, kept for months in an embedded DuckDB file (or PostgreSQL) and answered in
 * milliseconds.
 *
 * <p>The words, as the docs use them:
 * <ul>
 *   <li><em>replication latency</em>: the round-trip time on the replication link (measured by
 *       the agent) and the age of the oldest request in flight (DRBD's debugfs, where offered);</li>
 *   <li><em>replication lag</em>: out-of-sync bytes over time, the estimated seconds to catch up,
 *       and the Ahead/Behind states. DRBD's residual out-of-sync count while both sides are
 *       UpToDate, connected and not resyncing is recorded but is not lag;</li>
 *   <li><em>resync episode</em>: one resync of one volume from a source to a target, with its
 *       start, end, bytes, rates, cause and outcome.</li>
 * </ul>
 */
package io.vigil.history;
