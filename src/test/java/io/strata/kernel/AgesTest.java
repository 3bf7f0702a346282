package io.strata.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AgesTest {

    @Test
    void seconds() {
        assertEquals("0 s", Ages.human(0));
        assertEquals("1 s", Ages.human(1));
        assertEquals("59 s", Ages.human(59));
    }

    @Test
    void minutes() {
        assertEquals("1 min", Ages.human(60));
        assertEquals("1 min", Ages.human(119));
        assertEquals("59 min", Ages.human(3599));
    }

    @Test
    void hoursWithMinutes() {
        assertEquals("1 h 0 min", Ages.human(3600));
        assertEquals("3 h 12 min", Ages.human(3 * 3600 + 12 * 60 + 59));
        assertEquals("23 h 59 min", Ages.human(86399));
    }

    @Test
    void daysWithHours() {
        assertEquals("1 d 0 h", Ages.human(86400));
        assertEquals("16 d 2 h", Ages.human(16 * 86400 + 2 * 3600 + 3599));
        assertEquals("365 d 0 h", Ages.human(365L * 86400));
        assertEquals("106751991167300 d 15 h", Ages.human(Long.MAX_VALUE));
    }
}
