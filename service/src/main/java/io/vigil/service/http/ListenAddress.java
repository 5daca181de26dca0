package io.vigil.service.http;

import io.vigil.events.Name;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where a Vigil process listens: {@code 127.0.0.1:9464}, {@code [::1]:9464}, {@code 0.0.0.0:9464}; port 0 picks a free port. */
public record ListenAddress(String host, int port) {
    /** A host name or IPv4 address, then the port. */
    private static final Pattern HOST_PORT = Pattern.compile("([A-Za-z0-9._-]+):(\\d{1,5})");
    /** An IPv6 address in brackets, as in URLs, then the port. */
    private static final Pattern IPV6_PORT = Pattern.compile("\\[([0-9A-Fa-f:.]+)]:(\\d{1,5})");

    public ListenAddress {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range (0-65535; 0 picks a free one)");
        }
    }

    /** Reads "host:port" or "[ipv6]:port"; throws IllegalArgumentException whose message can follow "key: ". */
    public static ListenAddress parse(String text) {
        String quoted = "'" + Name.printable(text) + "'";
        Matcher m = IPV6_PORT.matcher(text);
        if (!m.matches()) {
            m = HOST_PORT.matcher(text);
        }
        if (!m.matches()) {
            String advice = text.indexOf(':') != text.lastIndexOf(':') && !text.startsWith("[")
                    ? " (an IPv6 address goes in brackets: [::1]:9464)"
                    : " (e.g. 127.0.0.1:9464, or [::1]:9464)";
            throw new IllegalArgumentException(quoted + " is not host:port" + advice);
        }
        if (m.pattern() == IPV6_PORT && !isIpv6(m.group(1))) {
            throw new IllegalArgumentException(quoted + ": [" + m.group(1) + "] is not an IPv6 address");
        }
        return new ListenAddress(m.group(1), Integer.parseInt(m.group(2))); // a port out of range is refused as such
    }

    private static boolean isIpv6(String literal) {
        if (literal.indexOf(':') == literal.lastIndexOf(':')) {
            return false;
        }
        try {
            // a literal with colons is parsed, never looked up
            return InetAddress.getByName(literal) instanceof Inet6Address;
        } catch (UnknownHostException e) {
            return false;
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
