package io.strata.job;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;

/** Which failures of an outcome's transaction drop its change record (the database refused the data) and which are retried with it. */
class RefusedRecordTest {

    @Test
    void onlyARefusalForTheDataDropsTheRecord() {
        assertTrue(JobFinisher.refusedForItsData(new RuntimeException(new SQLException("fk", "23503"))));
        assertTrue(JobFinisher.refusedForItsData(new RuntimeException(new RuntimeException(new SQLException("bad text", "22021")))));
        assertFalse(JobFinisher.refusedForItsData(new RuntimeException(new SQLException("connection gone", "08006"))));
        assertFalse(JobFinisher.refusedForItsData(new RuntimeException(new SQLException("deadlock", "40P01"))));
        assertFalse(JobFinisher.refusedForItsData(new IllegalStateException("no SQL state")));
    }
}
