package io.strata.archfixture.good.libvirt;

import io.strata.archfixture.good.imagetool.QemuImg;
import io.strata.archfixture.good.kernel.Name;

/** The hypervisor package: the only one that touches org.libvirt and JNA. */
public class Hypervisor {
    org.libvirt.Connect connection;
    com.sun.jna.Pointer handle;
    QemuImg images;

    public Name domain() {
        return new Name("vm");
    }
}
