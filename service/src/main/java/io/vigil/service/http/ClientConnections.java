package io.vigil.service.http;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many connections each client address holds open at one endpoint, so that one client (a
 * stuck scraper, a script in a loop, someone holding connections on purpose) cannot take all of
 * them. A client past its share is refused and logged once, until it has closed all it holds.
 */
final class ClientConnections {
    private static final Logger log = LoggerFactory.getLogger(ClientConnections.class);

    private final String endpoint;
    private final int perClient;
    /** Open connections by address; an address is dropped when its count falls to zero. */
    private final Map<InetAddress, Integer> open = new HashMap<>();
    /** Addresses refused since they last held no connection: logged once per such spell. */
    private final Map<InetAddress, Boolean> refused = new HashMap<>();

    ClientConnections(String endpoint, int perClient) {
        this.endpoint = endpoint;
        this.perClient = perClient;
    }

    /** Counts one more connection from {@code client}, or says no if it holds its share already. */
    boolean admit(InetAddress client) {
        boolean first;
        synchronized (this) {
            int held = open.getOrDefault(client, 0);
            if (held < perClient) {
                open.put(client, held + 1);
                return true;
            }
            first = refused.put(client, Boolean.TRUE) == null;
        }
        if (first) {
            log.warn(
                    "{} refuses connections from {}: it holds {} open, the most one client may (a stuck or hostile client?"
                            + " its next refusals are not logged until it has closed them all)",
                    endpoint,
                    client.getHostAddress(),
                    perClient);
        }
        return false;
    }

    /** One of {@code client}'s connections has closed. */
    synchronized void release(InetAddress client) {
        int held = open.getOrDefault(client, 0);
        if (held <= 1) {
            open.remove(client);
            refused.remove(client);
        } else {
            open.put(client, held - 1);
        }
    }
}
