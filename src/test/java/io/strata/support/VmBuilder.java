package io.strata.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Defines (never starts) small TCG domains on the test host, named {@code <run prefix><suffix>},
 * with their disks and XML under the run's directory. An owner, when given, goes into Strata's
 * domain metadata as the app would write it.
 */
public final class VmBuilder {

    private VmBuilder() {
    }

    /** A domain with one blank 64 MiB qcow2 disk (vda, {@link #diskOf}); returns its name. */
    public static String defineVm(String suffix, String owner) {
        String name = LibvirtHost.PREFIX + suffix;
        Path disk = diskOf(name);
        Processes.ok("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "64M");
        return defineVm(name, owner, disk, "qcow2");
    }

    /** A domain over a copy of the {@link TinyGuest} image, with a NIC whose MAC is {@link TinyGuest#MAC}. */
    public static String defineGuestVm(String suffix, String owner) {
        String name = LibvirtHost.PREFIX + suffix;
        Path disk = diskOf(name);
        Processes.ok("cp", "--sparse=always", TinyGuest.image().toString(), disk.toString());
        defineVm(name, owner, disk, "qcow2");
        attach(name, "nic", "<interface type='user'><mac address='" + TinyGuest.MAC
                + "'/><model type='virtio'/></interface>");
        return name;
    }

    /** A domain with two blank 64 MiB qcow2 disks (vda, and vdb in {@code <name>-data.qcow2}); returns its name. */
    public static String defineVmWithTwoDisks(String suffix, String owner) {
        String name = LibvirtHost.PREFIX + suffix;
        Path vda = diskOf(name);
        Path vdb = LibvirtHost.DIR.resolve(name + "-data.qcow2");
        Processes.ok("qemu-img", "create", "-q", "-f", "qcow2", vda.toString(), "64M");
        Processes.ok("qemu-img", "create", "-q", "-f", "qcow2", vdb.toString(), "64M");
        defineVm(name, owner, vda, "qcow2");
        attach(name, "vdb", """
                <disk type='file' device='disk'>
                  <driver name='qemu' type='qcow2'/>
                  <source file='%s'/>
                  <target dev='vdb' bus='virtio'/>
                </disk>
                """.formatted(vdb));
        return name;
    }

    /** A domain of the given full name over an existing disk file (vda) declared with the given format. */
    public static String defineVm(String name, String owner, Path disk, String format) {
        LibvirtHost.virsh("define", write(name + ".xml", domainXml(name, owner, disk, format)).toString());
        return name;
    }

    /** The definition of a shut-off TCG domain over one disk (vda), owned by {@code owner} (none when null). */
    public static String domainXml(String name, String owner, Path disk, String format) {
        String metadata = owner == null ? "" : """
                  <metadata>
                    <strata:vm xmlns:strata="https://strata.io/xmlns/libvirt/domain/1" owner="%s" template="false"/>
                  </metadata>
                """.formatted(owner);
        return """
                <domain type='qemu'>
                  <name>%s</name>
                %s  <memory unit='MiB'>128</memory>
                  <vcpu>1</vcpu>
                  <os><type arch='x86_64' machine='pc'>hvm</type></os>
                  <devices>
                    <disk type='file' device='disk'>
                      <driver name='qemu' type='%s'/>
                      <source file='%s'/>
                      <target dev='vda' bus='virtio'/>
                    </disk>
                  </devices>
                </domain>
                """.formatted(name, metadata, format, disk);
    }

    /** The blank disk {@link #defineVm(String, String)} made for the domain (its vda before any snapshot). */
    public static Path diskOf(String vm) {
        return LibvirtHost.DIR.resolve(vm + ".qcow2");
    }

    /** Adds a device to the domain's persistent definition. */
    private static void attach(String vm, String what, String deviceXml) {
        LibvirtHost.virsh("attach-device", vm, write(vm + "-" + what + ".xml", deviceXml).toString(), "--config");
    }

    private static Path write(String fileName, String xml) {
        Path file = LibvirtHost.DIR.resolve(fileName);
        try {
            Files.writeString(file, xml);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return file;
    }
}
