package io.strata.audit;

/**
 * One line of the anchor file: the chain head (sequence, seal) verified at a time, the key that
 * sealed it and the first keyed event, and the line's own seal under the key.
 * Format (tab separated): {@code v1 at seq seal keyFingerprint keyedFromSeq lineSeal}.
 */
record Anchor(String at, long seq, String seal, String keyFingerprint, long keyedFrom, String lineSeal) {

    String body() {
        return String.join("\t", "v1", at, Long.toString(seq), seal, keyFingerprint, Long.toString(keyedFrom));
    }

    String line() {
        return body() + "\t" + lineSeal + "\n";
    }

    static Anchor sealed(byte[] key, String at, long seq, String seal, String fingerprint, long keyedFrom) {
        Anchor unsealed = new Anchor(at, seq, seal, fingerprint, keyedFrom, "");
        return new Anchor(at, seq, seal, fingerprint, keyedFrom, AuditChain.hmacHex(key, "anchor\t" + unsealed.body()));
    }

    boolean sealedWith(byte[] key) {
        return AuditChain.hmacHex(key, "anchor\t" + body()).equals(lineSeal);
    }

    /** Parses a line; null when it is not an anchor line at all. */
    static Anchor parse(String line) {
        String[] f = line.strip().split("\t");
        if (f.length != 7 || !f[0].equals("v1")) {
            return null;
        }
        try {
            return new Anchor(f[1], Long.parseLong(f[2]), f[3], f[4], Long.parseLong(f[5]), f[6]);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
