package io.strata.archfixture.good.imagetool;

import io.strata.archfixture.good.kernel.Name;

/** The one class that starts processes. */
public class ProcessRunner {
    public Process start(Name command) throws java.io.IOException {
        return new ProcessBuilder(command.value()).start();
    }

    public Process exec(String command) throws java.io.IOException {
        return Runtime.getRuntime().exec(new String[] { command });
    }
}
