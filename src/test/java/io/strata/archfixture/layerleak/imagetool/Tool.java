package io.strata.archfixture.layerleak.imagetool;

import io.strata.archfixture.layerleak.libvirt.Hypervisor;

/** Bad: the image tools use the hypervisor package above them. */
public class Tool {
    Hypervisor hypervisor;
}
