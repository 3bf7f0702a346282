package io.strata.archfixture.processleak.vm;

/** Bad: Runtime.exec outside the runner. */
public class Exec {
    public Process run() throws java.io.IOException {
        return Runtime.getRuntime().exec(new String[] { "virsh", "list" });
    }
}
