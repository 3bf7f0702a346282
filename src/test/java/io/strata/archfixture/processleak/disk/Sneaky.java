package io.strata.archfixture.processleak.disk;

import java.util.List;

/** Bad: a ProcessBuilder outside the runner. */
public class Sneaky {
    public Process run() throws java.io.IOException {
        return new ProcessBuilder(List.of("qemu-img", "info")).start();
    }
}
