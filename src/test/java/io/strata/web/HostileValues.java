package io.strata.web;

import java.util.List;
import java.util.Map;

/** The values {@link HostileProbes} puts where a request expects a name, a number or a body. */
final class HostileValues {

    private HostileValues() {
    }

    /** Values for strings: names that climb, quote, inject markup or commands, carry NUL, bidi or are huge. */
    static final List<String> HOSTILE_STRINGS = List.of("../../../../etc/shadow", "a/b", "..", "x' OR '1'='1",
            "\"quoted\"", "<domain><name>x</name></domain>", "$(reboot)", "`id`;rm -rf /", "a\u0000b", "名前-ünï",
            "\u202Eevil", "%00", "-1", "template-x", " ", "\n\r", "&amp;<!--", "${jndi:ldap://x}",
            "{{7*7}}", "\\\\share\\x", "CON", "A".repeat(3000));
    /** Path values every run sends in turn (so each run has NUL, climbing, long and quoted names somewhere). */
    static final List<String> FORCED = List.of("a\u0000b", "../../../../etc/shadow", "A".repeat(3000), "x' OR '1'='1",
            "<domain><name>x</name></domain>", "$(reboot)", "名前-ünï");
    static final List<String> FORCED_NUMBERS = List.of("9223372036854775808", "-1", "abc", "1e400");
    /** Values for numbers: out of range, negative, not numbers. */
    static final List<String> HOSTILE_NUMBERS = List.of("-1", "0", "2147483648", "9223372036854775808",
            "-9223372036854775809", "1e400", "NaN", "1.5", "0x10", "abc", "", "' OR 1=1");
    /** JSON values of a wrong type for a field of each kind: no parser may accept them. */
    static final Map<String, List<String>> WRONG_JSON = Map.of(
            "string", List.of("{}", "[]", "{\"$ne\": null}"),
            "integer", List.of("\"abc\"", "{}", "1e400", "99999999999999999999999", "[1]"),
            "number", List.of("\"abc\"", "{}", "[1]"),
            "boolean", List.of("\"maybe\"", "{}", "[true]"),
            "array", List.of("\"x\"", "{}", "[{}, []]"),
            "object", List.of("\"x\"", "[]", "7"));
    /** Whole bodies no parser may accept. */
    static final List<String> BROKEN_BODIES = List.of("{", "[1, 2]", "\"just a string\"", "{\"a\": \"\u0000\"",
            "[".repeat(5000) + "]".repeat(5000), "{\"x\": \"" + "B".repeat(3 * 1024 * 1024) + "\"}");

}
