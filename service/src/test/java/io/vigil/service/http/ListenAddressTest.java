package io.vigil.service.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ListenAddressTest {
    @Test
    void readsHostsIpv4AndBracketedIpv6() {
        assertEquals(new ListenAddress("127.0.0.1", 9464), ListenAddress.parse("127.0.0.1:9464"));
        assertEquals(new ListenAddress("engine-1.example", 0), ListenAddress.parse("engine-1.example:0"));
        assertEquals(new ListenAddress("::1", 9465), ListenAddress.parse("[::1]:9465"));
        assertEquals(new ListenAddress("::", 9465), ListenAddress.parse("[::]:9465"));
        assertEquals("[::1]:9465", ListenAddress.parse("[::1]:9465").toString());
    }

    @Test
    void refusesAnIpv6AddressWithoutBrackets() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("::1"));
        assertTrue(e.getMessage().contains("an IPv6 address goes in brackets: [::1]:9464"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("fe80::1:9465"));
    }

    @Test
    void refusesWhatIsNotHostAndPort() {
        for (String bad : new String[] {
            "",
            "9464",
            ":9464",
            "127.0.0.1:",
            "127.0.0.1",
            "127.0.0.1:+80",
            "127.0.0.1:-1",
            "127.0.0.1:65536",
            "127.0.0.1:123456",
            "[::1]",
            "[::1]9465",
            "[:]:9465",
            "[1:2]:9465",
            "[zz::1]:9465",
            "host name:80",
            "a/b:80",
            "\u001b[2J:80"
        }) {
            assertThrows(
                    IllegalArgumentException.class, () -> ListenAddress.parse(bad), "'" + bad + "' must be refused");
        }
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("\u001b[2J:80"));
        assertTrue(e.getMessage().contains("\\x1b"), "control characters are shown, not sent: " + e.getMessage());
    }
}
