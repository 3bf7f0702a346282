package io.strata.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** JobState's table is the state machine; the database's trigger must say the same. */
class JobStateTest {

    @Test
    void everyStateHasItsDocumentedNextStates() {
        assertEquals(EnumSet.of(JobState.RUNNING, JobState.CANCELLED), JobState.QUEUED.next());
        assertEquals(EnumSet.of(JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED, JobState.INTERRUPTED),
                JobState.RUNNING.next());
        for (JobState s : EnumSet.of(JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED, JobState.INTERRUPTED)) {
            assertTrue(s.isFinished(), s + " is final");
            assertTrue(s.next().isEmpty(), s + " has no next state");
        }
        assertEquals(EnumSet.of(JobState.QUEUED, JobState.RUNNING), JobState.ACTIVE);
        assertFalse(JobState.QUEUED.isFinished());
    }

    @Test
    void fromIsTheInverseOfNext() {
        assertEquals(EnumSet.of(JobState.QUEUED, JobState.RUNNING), JobState.from(JobState.CANCELLED));
        assertEquals(EnumSet.of(JobState.QUEUED), JobState.from(JobState.RUNNING));
        assertEquals(EnumSet.of(JobState.RUNNING), JobState.from(JobState.INTERRUPTED));
        assertTrue(JobState.from(JobState.QUEUED).isEmpty(), "nothing goes back to QUEUED");
        assertEquals("state IN ('RUNNING')", JobTransitions.from(JobState.SUCCEEDED));
    }

    /** The trigger in V5 lists, per old state, the new states it allows: they must be next(). */
    @Test
    void theDatabaseTriggerAllowsExactlyTheTable() throws IOException {
        String sql = Files.readString(Path.of("db-migrations/V5__job_state_machine.sql"));
        Matcher m = Pattern.compile("\\(OLD\\.state = '(\\w+)'\\s+AND NEW\\.state IN \\(([^)]*)\\)\\)").matcher(sql);
        Set<JobState> withRules = EnumSet.noneOf(JobState.class);
        while (m.find()) {
            JobState old = JobState.valueOf(m.group(1));
            Set<JobState> allowed = EnumSet.noneOf(JobState.class);
            for (String n : m.group(2).replace("'", "").split(",")) {
                allowed.add(JobState.valueOf(n.strip()));
            }
            assertEquals(old.next(), allowed, "trigger rule for " + old);
            withRules.add(old);
        }
        for (JobState s : JobState.values()) {
            assertEquals(!s.isFinished(), withRules.contains(s), "trigger has a rule for " + s + " iff it is not final");
        }
    }

    @Test
    void theActiveStatesAsHqlLiteralsAreTheActiveSet() {
        assertEquals("(io.strata.job.JobState.QUEUED, io.strata.job.JobState.RUNNING)", JobState.ACTIVE_HQL);
        assertEquals(EnumSet.of(JobState.QUEUED, JobState.RUNNING), JobState.ACTIVE);
    }
}
