package io.strata.archfixture.libvirtleak.snapshot;

/** Bad: a feature holds a libvirt connection itself. */
public class DirectLibvirt {
    org.libvirt.Connect connection;
}
