package io.vigil.rules.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The API token: an empty one would match a request that sends "Authorization: Bearer " with nothing after it. */
class ApiTokenTest {
    @Test
    void anEmptyTokenIsRefused() {
        for (String empty : new String[] {"", " \n"}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> new ApiToken(Optional.of(empty)));
            assertEquals(
                    "the API token is empty: it would let anyone change silences and send failover commands"
                            + " (put a random secret in http.token_file)",
                    e.getMessage());
        }
    }
}
