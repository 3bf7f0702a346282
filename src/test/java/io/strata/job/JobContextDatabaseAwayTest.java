package io.strata.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;

import jakarta.persistence.PersistenceException;

import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL restart in the middle of a merge used to stop the merge: the progress callback of
 * qemu-img commit threw, the merge was aborted and the snapshot marked partly merged (found by
 * {@code ./strata faults … postgres-restart}). Progress, log lines and the cancel check now ride
 * out a database that does not answer; other database errors still surface.
 */
class JobContextDatabaseAwayTest {

    private static RuntimeException refused() {
        return new PersistenceException("Unable to acquire JDBC Connection",
                new SQLException("Connection to 127.0.0.1:55432 refused", "08001"));
    }

    /** JobTransitions and JobLog as the database answers while it restarts. */
    private static JobContext contextWhile(RuntimeException failure) {
        JobTransitions transitions = new JobTransitions() {
            @Override
            public void progress(long jobId, int percent, String text) {
                throw failure;
            }

            @Override
            public boolean isCancelRequested(long jobId) {
                throw failure;
            }
        };
        JobLog log = new JobLog() {
            @Override
            public void append(long jobId, String line) {
                throw failure;
            }
        };
        Job j = new Job();
        j.id = 7L;
        return new JobContext(j, () -> null, transitions, log, null);
    }

    @Test
    void aJobCarriesOnWhileTheDatabaseIsAway() {
        JobContext ctx = contextWhile(refused());
        ctx.progress(40, "committing 40%");
        ctx.band(5, 85).percent("block commit").accept(0.5);
        ctx.log("vda: committing");
        assertFalse(ctx.cancelRequested(), "nobody can have asked to cancel while the database is away");
        ctx.checkCancelled();
    }

    @Test
    void otherDatabaseErrorsStillSurface() {
        RuntimeException bug = new PersistenceException("syntax", new SQLException("syntax error", "42601"));
        JobContext ctx = contextWhile(bug);
        assertEquals(bug, assertThrows(RuntimeException.class, () -> ctx.progress(1, "x")));
        assertEquals(bug, assertThrows(RuntimeException.class, ctx::cancelRequested));
        assertEquals(bug, assertThrows(RuntimeException.class, () -> ctx.log("x")));
    }

    @Test
    void serverShutdownCountsAsAway() {
        assertTrue(JobContext.databaseUnavailable(new RuntimeException(new SQLException("terminating connection due to"
                + " administrator command", "57P01"))));
        assertFalse(JobContext.databaseUnavailable(new IllegalStateException("no SQL here")));
    }
}
