package io.strata.libvirt;

/** A domain's XML as {@code virsh dumpxml} shows it and what Strata makes of it, from one read. */
public record DomainReading(String xml, DomainSummary domain) {
}
