package io.strata.kernel;

/**
 * A long host operation (an image command, a block job) stopped because its job was cancelled;
 * what it wrote so far stays. The tools below the features throw it, so they need not know jobs.
 */
public class Cancelled extends RuntimeException {
    public Cancelled() {
        super("cancelled");
    }
}
