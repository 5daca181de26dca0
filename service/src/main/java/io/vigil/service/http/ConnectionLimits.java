package io.vigil.service.http;

import java.time.Duration;

/**
 * What an HTTP endpoint grants its clients, so that slow or greedy ones cannot take it from the
 * rest: {@code perClient} connections open at once from one address, {@code total} from all
 * addresses together, {@code requestTime} for a request to arrive whole (request line, headers and
 * body, counted from the connection's accept), {@code responseTime} for the client to take the answer.
 */
record ConnectionLimits(int perClient, int total, Duration requestTime, Duration responseTime) {
    /**
     * Every Vigil endpoint's limits. Prometheus holds one connection per target and the CLI one per
     * command, so eight from one address is room to spare; a request is a few kilobytes on a LAN, so
     * five seconds is ample for it and short for a client that holds the connection on purpose.
     */
    static final ConnectionLimits STANDARD = new ConnectionLimits(8, 64, Duration.ofSeconds(5), Duration.ofSeconds(10));

    ConnectionLimits {
        if (perClient < 1 || total < perClient) {
            throw new IllegalArgumentException(
                    "connection limits: need 1 <= perClient <= total, got " + perClient + " and " + total);
        }
    }
}
