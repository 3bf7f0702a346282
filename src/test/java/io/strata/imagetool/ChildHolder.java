package io.strata.imagetool;

import java.util.List;

/** A stand-in for the app in {@link ChildrenDieWithAppTest}: starts a long child through ProcessRunner and waits. */
public final class ChildHolder {

    private ChildHolder() {
    }

    public static void main(String[] args) {
        new ProcessRunner().exec(List.of("sleep", args[0]), 600);
    }
}
