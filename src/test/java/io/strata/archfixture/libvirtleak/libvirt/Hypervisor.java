package io.strata.archfixture.libvirtleak.libvirt;

/** Allowed: the hypervisor package. */
public class Hypervisor {
    org.libvirt.Connect connection;
    com.sun.jna.Pointer pointer;
}
