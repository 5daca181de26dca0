package io.vigil.service.http;

import io.vigil.events.Name;
import java.net.InetSocketAddress;
import java.util.Objects;

/** Where a Vigil process listens: {@code 127.0.0.1:9464}, {@code [::1]:9464}, {@code 0.0.0.0:9464}; port 0 picks a free port. */
public record ListenAddress(String host, int port) {
    public ListenAddress {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range (0-65535; 0 picks a free one)");
        }
    }

    public static ListenAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? "" : text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String advice = "'" + Name.printable(text) + "' is not host:port (e.g. 127.0.0.1:9464)";
        if (host.isEmpty() || !host.matches("[A-Za-z0-9.:_-]+")) {
            throw new IllegalArgumentException(advice);
        }
        try {
            return new ListenAddress(host, Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(advice);
        }
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
