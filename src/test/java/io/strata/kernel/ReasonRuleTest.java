package io.strata.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** A snapshot's or a lease's reason: optional, one line, at most 200 characters. */
class ReasonRuleTest {

    @Test
    void reasonsAreOneShortLine() {
        assertNull(InputRules.reasonProblem(null));
        assertNull(InputRules.reasonProblem("before the kernel upgrade (ticket #42)"));
        assertNull(InputRules.reasonProblem("x".repeat(200)));
        assertEquals("reason is too long (201 characters; at most 200)", InputRules.reasonProblem("x".repeat(201)));
        assertEquals("reason must be one line of text without control characters", InputRules.reasonProblem("a\nb"));
        assertEquals("reason must be one line of text without control characters", InputRules.reasonProblem("a\u0007"));
    }
}
