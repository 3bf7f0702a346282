package io.strata.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.strata.kernel.InputRules;

class ProvisionNamesTest {

    @Test
    void countDefaultsToOneAndStaysWithinBounds() {
        assertEquals(1, ProvisionNames.count(null));
        assertEquals(7, ProvisionNames.count(7));
        assertNull(ProvisionNames.countProblem(1));
        assertNull(ProvisionNames.countProblem(100));
        assertEquals("count must be between 1 and 100, not 0", ProvisionNames.countProblem(0));
        assertEquals("count must be between 1 and 100, not -3", ProvisionNames.countProblem(-3));
        assertEquals("count must be between 1 and 100, not 101", ProvisionNames.countProblem(101));
        assertEquals("count must be between 1 and 100, not 2147483647", ProvisionNames.countProblem(Integer.MAX_VALUE));
        assertEquals(ProvisionNames.MAX_COUNT, ProvisionService.MAX_COUNT);
    }

    @Test
    void methodDefaultsToThin() {
        assertEquals("thin", ProvisionNames.method(null));
        assertEquals("thin", ProvisionNames.method(" "));
        assertEquals("clone", ProvisionNames.method("clone"));
        assertNull(ProvisionNames.methodProblem("thin"));
        assertNull(ProvisionNames.methodProblem("clone"));
    }

    @Test
    void otherMethodsAreRefusedPrintably() {
        assertEquals("method must be \"thin\" or \"clone\", not \"copy\"", ProvisionNames.methodProblem("copy"));
        assertEquals("method must be \"thin\" or \"clone\", not \"Thin\"", ProvisionNames.methodProblem("Thin"));
        assertEquals("method must be \"thin\" or \"clone\", not \"thin?\"", ProvisionNames.methodProblem("thin\n"));
        assertEquals("method must be \"thin\" or \"clone\", not \"" + "m".repeat(80) + "…\"",
                ProvisionNames.methodProblem("m".repeat(500)));
    }

    @Test
    void nameOrPattern() {
        assertEquals("web", ProvisionNames.pattern("web", null));
        assertEquals("web-{n}", ProvisionNames.pattern(null, "web-{n}"));
        assertEquals("web", ProvisionNames.pattern("web", " "));
        assertNull(ProvisionNames.pattern(null, null));
        assertNull(ProvisionNames.patternProblem("web", null, 1));
        assertNull(ProvisionNames.patternProblem(null, "web-{n}", 1));
        assertNull(ProvisionNames.patternProblem(" ", "web-{n}", 5));
        assertNull(ProvisionNames.patternProblem("web-{n}", "", 5), "a name may carry {n} too");
    }

    @Test
    void nameProblems() {
        assertEquals("give a name, or a namePattern such as web-{n}", ProvisionNames.patternProblem(null, null, 1));
        assertEquals("give a name, or a namePattern such as web-{n}", ProvisionNames.patternProblem(" ", "", 1));
        assertEquals("give either name or namePattern, not both", ProvisionNames.patternProblem("web", "web-{n}", 2));
        assertEquals("for 3 VMs the name pattern needs {n} (e.g. web-{n})", ProvisionNames.patternProblem(null, "web", 3));
        assertEquals("for 2 VMs the name pattern needs {n} (e.g. web-{n})", ProvisionNames.patternProblem("web", null, 2));
        assertEquals("for 2 VMs the name pattern needs {n} (e.g. web-{n})", ProvisionNames.patternProblem(null, "web-{N}", 2));
        assertEquals("for 2 VMs the name pattern needs {n} (e.g. web-{n})", ProvisionNames.patternProblem(null, "web-n", 2));
    }

    @Test
    void expandCountsFromOne() {
        assertEquals(List.of("web-1", "web-2", "web-3"), ProvisionNames.expand("web-{n}", 3));
        assertEquals(List.of("db"), ProvisionNames.expand("db", 1));
        assertEquals(List.of("db-1"), ProvisionNames.expand("db-{n}", 1));
        assertEquals(List.of("a1-1", "a2-2"), ProvisionNames.expand("a{n}-{n}", 2), "every {n} is replaced");
        assertEquals("w-100", ProvisionNames.expand("w-{n}", 100).get(99));
        assertEquals(100, ProvisionNames.expand("w-{n}", 100).stream().distinct().count());
    }

    @Test
    void expandedNamesStillMeetTheNameRules() {
        // the service checks each expanded name with InputRules: a pattern can make a name too long or odd
        assertNull(InputRules.nameProblem("VM name", ProvisionNames.expand("x".repeat(62) + "-{n}", 9).get(8)));
        assertEquals("VM name is too long (65 characters; at most 64)",
                InputRules.nameProblem("VM name", ProvisionNames.expand("x".repeat(62) + "-{n}", 10).get(9)));
        assertEquals("VM name '{n' may contain only letters, digits, '.', '_' and '-', and must start with a letter or digit",
                InputRules.nameProblem("VM name", ProvisionNames.expand("{n", 1).get(0)));
        assertNull(InputRules.nameProblem("VM name", ProvisionNames.expand("{n}-web", 1).get(0)), "digits may lead");
    }

    @Test
    void hostnamesFollowThePattern() {
        assertEquals(List.of(), ProvisionNames.hostnames(null, 3));
        assertEquals(List.of(), ProvisionNames.hostnames(" ", 3));
        assertEquals(List.of("web-1.lan", "web-2.lan"), ProvisionNames.hostnames("web-{n}.lan", 2));
        assertEquals(List.of("same", "same"), ProvisionNames.hostnames("same", 2), "one hostname for all is allowed");
        assertNull(ProvisionNames.hostnameProblem(null, 3));
        assertNull(ProvisionNames.hostnameProblem("web-{n}", 100));
    }

    @Test
    void hostnameProblemNamesTheFirstBadOne() {
        assertEquals("not a valid hostname: \"bad_host!\"", ProvisionNames.hostnameProblem("bad_host!", 1));
        assertEquals("not a valid hostname: \"Web-1\"", ProvisionNames.hostnameProblem("Web-{n}", 3));
        // 62 characters plus the number: label 63 is fine for 1…9, 64 from 10 on
        String label = "h".repeat(62) + "{n}";
        assertNull(ProvisionNames.hostnameProblem(label, 9));
        assertEquals("not a valid hostname: \"" + "h".repeat(62) + "10\"", ProvisionNames.hostnameProblem(label, 10));
        assertEquals("not a valid hostname: \"a?b1\"", ProvisionNames.hostnameProblem("a\nb{n}", 2));
    }
}
