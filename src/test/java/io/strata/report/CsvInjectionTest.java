package io.strata.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Exported cells a spreadsheet would evaluate are made inert. */
class CsvInjectionTest {

    @Test
    void formulaCellsGetAnApostrophe() {
        assertEquals("'=HYPERLINK(\"https://evil/\",\"x\")", ReportExport.inert("=HYPERLINK(\"https://evil/\",\"x\")"));
        assertEquals("'+1", ReportExport.inert("+1"));
        assertEquals("'@SUM(A1)", ReportExport.inert("@SUM(A1)"));
        assertEquals("'-2+3", ReportExport.inert("-2+3"));
        assertEquals("keep for the upgrade", ReportExport.inert("keep for the upgrade"));
        assertEquals(42, ReportExport.inert(42));
        assertEquals("", ReportExport.inert(""));
    }
}
