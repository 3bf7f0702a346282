package io.strata.archfixture.libvirtleak.imagetool;

/** Bad: JNA outside the libvirt package. */
public class DirectJna {
    com.sun.jna.Pointer pointer;
}
