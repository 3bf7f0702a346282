package io.strata.audit;

/** The result of walking the audit chain. */
public record ChainVerification(boolean intact, long eventsChecked, Long brokenAtSeq, String problem) {

    static ChainVerification intact(long checked) {
        return new ChainVerification(true, checked, null, null);
    }

    static ChainVerification broken(long checked, long seq, String problem) {
        return new ChainVerification(false, checked, seq, problem);
    }
}
