package io.strata.template;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class ProvisionHostnamesTest {

    private static final String LABEL63 = "a".repeat(63);

    @Test
    void validHostnames() {
        for (String h : List.of("a", "localhost", "web-1", "0", "123", "9lives", "a-b-c", "web1.example.com",
                "x.y.z", "a--b", LABEL63, LABEL63 + "." + LABEL63)) {
            assertTrue(ProvisionHostnames.valid(h), h);
        }
    }

    @Test
    void invalidHostnames() {
        for (String h : Arrays.asList(null, "", " ", "Web", "WEB.example.com", "web_1", "-web", "web-", "web.", ".web",
                "a..b", "a b", "web/1", "web\n", "\nweb", "wéb", "ｗｅｂ", "web-{n}", "a'b", "a<b", "a\"b", "a;b", "*",
                "a.-b", "a.b-", LABEL63 + "a", "xn--")) {
            assertFalse(ProvisionHostnames.valid(h), String.valueOf(h));
        }
    }

    @Test
    void atMost253Characters() {
        String label = "a".repeat(49); // 5 labels of 49 + 4 dots = 249
        String h249 = String.join(".", label, label, label, label, label);
        assertTrue(ProvisionHostnames.valid(h249 + ".abc"), "253 characters");
        assertFalse(ProvisionHostnames.valid(h249 + ".abcd"), "254 characters");
    }
}
