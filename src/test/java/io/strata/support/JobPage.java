package io.strata.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.support.ui.WebDriverWait;

/** A job's page in the {@link Browser}: waited for after a form queued the job, watched until the job ends. */
public final class JobPage {

    private static final List<String> FINAL_STATES = List.of("SUCCEEDED", "FAILED", "CANCELLED", "INTERRUPTED");
    private static final Pattern JOB_URL = Pattern.compile("/jobs/(\\d+)(?:[?#].*)?$");

    private JobPage() {
    }

    /** What a job page watched until its end (without a reload) showed: its states in order. */
    public record Watch(long id, String firstState, List<String> states, String finalState) {
        /** The page showed the job before it ended (QUEUED or RUNNING), so the end came in live. */
        public boolean sawItRun() {
            return !FINAL_STATES.contains(firstState);
        }
    }

    /** After a form queued a job: waits for its page, returns its id. */
    public static long awaitPage(Browser b) {
        b.wait.until(d -> JOB_URL.matcher(b.path()).find());
        b.landed();
        Matcher m = JOB_URL.matcher(b.path());
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    /**
     * Watches the job page until the job ends, without reloading it: a marker put into the page
     * must survive, so the state came in through the page's live updates. Asserts the wanted end.
     */
    public static Watch watch(Browser b, String wantedState) {
        long id = awaitPage(b);
        b.js("window.strataTestMarker = 'no reload'");
        List<String> seen = new ArrayList<>();
        String first = state(b);
        seen.add(first);
        new WebDriverWait(b.driver, Browser.JOB_WAIT, Duration.ofMillis(200)).ignoring(StaleElementReferenceException.class)
                .until(d -> {
                    String s = state(b);
                    if (!s.equals(seen.get(seen.size() - 1))) {
                        seen.add(s);
                    }
                    return FINAL_STATES.contains(s);
                });
        String last = seen.get(seen.size() - 1);
        assertEquals("no reload", b.js("return window.strataTestMarker"),
                "the job page changed to " + last + " in place, without a reload");
        assertEquals(wantedState, last, "job " + id + " ended " + last + ": " + b.text());
        return new Watch(id, first, seen, last);
    }

    /**
     * The job state the page shows now (upper case), from the element with id job-state. The page's
     * stream may replace the element between finding and reading it (its first event comes as the
     * page loads): then it is found again.
     */
    public static String state(Browser b) {
        for (int attempt = 1;; attempt++) {
            try {
                return b.driver.findElement(By.id("job-state")).getText().strip().toUpperCase();
            } catch (StaleElementReferenceException replaced) {
                if (attempt == 5) {
                    throw replaced;
                }
            }
        }
    }
}
