package io.strata.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class InputRulesTest {

    private static final String RULE = "' may contain only letters, digits, '.', '_' and '-', and must start with a letter or digit";

    // ---------------------------------------------------------------- names

    @Test
    void theTemplatePrefixIsReservedForTemplates() {
        assertTrue(InputRules.newVmNameProblem("template-web").contains("reserved for templates"));
        assertNull(InputRules.newVmNameProblem("web-template-1"));
        assertTrue(InputRules.newVmNameProblem("../x").contains("may contain only"));
    }

    @Test
    void acceptedNames() {
        for (String ok : List.of("a", "Z", "7", "web-1", "db_2.old", "A-1.b_c", "a-", "a.", "x".repeat(64), "1.2.3")) {
            assertNull(InputRules.nameProblem("VM name", ok), ok);
        }
    }

    @Test
    void missingNames() {
        assertEquals("VM name is required", InputRules.nameProblem("VM name", null));
        assertEquals("VM name is required", InputRules.nameProblem("VM name", ""));
        assertEquals("snapshot name is required", InputRules.nameProblem("snapshot name", " \t\n"));
    }

    @Test
    void tooLongIsSaidBeforeAnythingElse() {
        assertEquals("VM name is too long (65 characters; at most 64)", InputRules.nameProblem("VM name", "a".repeat(65)));
        assertEquals("VM name is too long (300 characters; at most 64)", InputRules.nameProblem("VM name", "/".repeat(300)));
    }

    @Test
    void pathSeparatorsAndTraversal() {
        assertEquals("VM name 'a/b" + RULE, InputRules.nameProblem("VM name", "a/b"));
        assertEquals("VM name '../etc" + RULE, InputRules.nameProblem("VM name", "../etc"));
        assertEquals("VM name 'a\\b" + RULE, InputRules.nameProblem("VM name", "a\\b"));
        assertEquals("VM name 'a..b' must not contain '..'", InputRules.nameProblem("VM name", "a..b"));
        assertEquals("VM name 'a...' must not contain '..'", InputRules.nameProblem("VM name", "a..."));
    }

    @Test
    void mustStartWithALetterOrDigit() {
        for (String bad : List.of(".hidden", "-rf", "_x", "..")) {
            assertEquals("VM name '" + bad + RULE, InputRules.nameProblem("VM name", bad), bad);
        }
    }

    @Test
    void markupQuotesAndShellCharacters() {
        for (String bad : List.of("a'b", "a\"b", "<x>", "a&b", "a b", "a;b", "$(id)", "a`b", "a*", "a:b", "a%2f", "a@b",
                "a,b", "a=b", "a+b", "a#b", "a?b", "a|b", "a{n}")) {
            assertEquals("VM name '" + bad + RULE, InputRules.nameProblem("VM name", bad), bad);
        }
    }

    @Test
    void controlCharactersAreShownAsQuestionMarks() {
        assertEquals("VM name 'a?b" + RULE, InputRules.nameProblem("VM name", "a\nb"));
        assertEquals("VM name 'abc?" + RULE, InputRules.nameProblem("VM name", "abc\n"), "a trailing newline is no loophole");
        assertEquals("VM name 'a?" + RULE, InputRules.nameProblem("VM name", "a\u0000"));
        assertEquals("VM name 'a?" + RULE, InputRules.nameProblem("VM name", "a\u001b"));
    }

    @Test
    void nonAsciiLettersAndDigitsAreRefused() {
        for (String bad : List.of("café", "Ünïcode", "ａｂｃ", "١٢٣", "名前", "a\u00a0b", "a\u200bb", "😀")) {
            assertEquals("VM name '" + bad + RULE, InputRules.nameProblem("VM name", bad), bad);
        }
    }

    @Test
    void lengthCountsCharsAsJavaDoes() {
        // 32 emoji are 64 UTF-16 units: within the length, refused by the pattern
        assertEquals("VM name '" + "😀".repeat(32) + RULE, InputRules.nameProblem("VM name", "😀".repeat(32)));
        assertEquals("VM name is too long (66 characters; at most 64)", InputRules.nameProblem("VM name", "😀".repeat(33)));
    }

    // ---------------------------------------------------------------- descriptions

    @Test
    void descriptions() {
        assertNull(InputRules.descriptionProblem(null));
        assertNull(InputRules.descriptionProblem(""));
        assertNull(InputRules.descriptionProblem("line 1\nline 2\r\n\tindented"));
        assertNull(InputRules.descriptionProblem("<script>alert('x')</script> & \"quotes\" ünïcode 😀"));
        assertNull(InputRules.descriptionProblem("d".repeat(1000)));
        assertEquals("description is too long (1001 characters; at most 1000)", InputRules.descriptionProblem("d".repeat(1001)));
    }

    @Test
    void descriptionControlCharacters() {
        for (String bad : List.of("a\u0000", "\u0007bell", "esc\u001b[31m", "del\u007f", "nel\u0085", "\u009b")) {
            assertEquals("description contains control characters", InputRules.descriptionProblem(bad), bad);
        }
    }

    @Test
    void descriptionLengthBeforeControlCharacters() {
        assertEquals("description is too long (1001 characters; at most 1000)",
                InputRules.descriptionProblem("\u0000".repeat(1001)));
    }

    // ---------------------------------------------------------------- present and printable

    @Test
    void present() {
        assertFalse(InputRules.present(null));
        assertFalse(InputRules.present(""));
        assertFalse(InputRules.present(" \t\n"));
        assertTrue(InputRules.present(" x "));
    }

    @Test
    void printable() {
        assertEquals("plain", InputRules.printable("plain"));
        assertEquals("a?b?c?", InputRules.printable("a\nb\u0000c\u007f"));
        assertEquals("ünïcode 😀 <&>", InputRules.printable("ünïcode 😀 <&>"));
        assertEquals("x".repeat(80), InputRules.printable("x".repeat(80)));
        assertEquals("x".repeat(80) + "…", InputRules.printable("x".repeat(81)));
        assertEquals("?".repeat(80) + "…", InputRules.printable("\n".repeat(300)));
        assertEquals("", InputRules.printable(""));
    }
}
