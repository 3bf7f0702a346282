package io.strata.archfixture.processleak.imagetool;

/** Allowed: the runner. */
public class ProcessRunner {
    public Process start(String... argv) throws java.io.IOException {
        return new ProcessBuilder(argv).start();
    }
}
