package io.strata.archfixture.good.kernel;

/** Kernel: uses nothing of the root. */
public record Name(String value) {
}
