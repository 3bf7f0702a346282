package io.strata.archfixture.good.imagetool;

/** Image tool → kernel (through the runner's signature). */
public class QemuImg {
    final ProcessRunner runner = new ProcessRunner();

    public Process info(io.strata.archfixture.good.kernel.Name image) throws java.io.IOException {
        return runner.start(image);
    }
}
