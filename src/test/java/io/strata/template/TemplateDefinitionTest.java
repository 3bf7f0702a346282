package io.strata.template;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.strata.libvirt.Xml;

/** What a template keeps of its source's definition (pure XML, no libvirt). */
class TemplateDefinitionTest {

    static final String SOURCE = """
            <domain type='kvm'><name>web-1</name><uuid>3e3fce45-4f53-4fa7-bb32-11f34168b82b</uuid>
            <devices>
              <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
                <source file='/var/lib/libvirt/images/web-1.qcow2'/><target dev='vda' bus='virtio'/></disk>
              <graphics type='vnc' port='-1' autoport='yes' passwd='owner-secret' passwdValidTo='2030-01-01T00:00:00'/>
              <graphics type='spice' autoport='yes' passwd='spice-secret'/>
            </devices></domain>""";

    @Test
    void consolePasswordsOfTheSourceAreNotKept() {
        String kept = TemplateHandlers.Create.templateDefinition(Xml.parse(SOURCE), "template-web-1",
                List.of(new Template.Disk("vda", "/var/lib/libvirt/images/template-web-1.qcow2", "qcow2", 1L << 30, 0)), "alice");
        assertFalse(kept.contains("owner-secret") || kept.contains("spice-secret") || kept.contains("passwd"), kept);
        assertTrue(kept.contains("<graphics") && kept.contains("template-web-1.qcow2") && !kept.contains("<uuid>"), kept);
    }
}
