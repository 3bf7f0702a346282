package io.strata.libvirt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Reads and edits libvirt's domain XML ({@code virsh dumpxml}). Pure: no libvirt call. */
final class DomainXml {

    /** A disk as the domain XML names it (the top of its chain; {@code file} null for an empty drive). */
    record Disk(String target, String device, String file, String format) {
    }

    private DomainXml() {
    }

    static String name(String xml) {
        return Xml.string(Xml.parse(xml), "/domain/name");
    }

    /** The domain's {@code <devices><disk>} elements (walked, not XPath: every reading of a VM parses them). */
    private static List<Element> diskElements(Document xml) {
        return Xml.children(Xml.child(Xml.root(xml, "domain"), "devices"), "disk");
    }

    /** A {@code <disk>} element's target ({@code vda}), or null: in domain XML and in a snapshot's saved domain. */
    static String targetOf(Element disk) {
        return Xml.attribute(Xml.child(disk, "target"), "dev");
    }

    /** Every {@code <disk>} of the domain, in document order. */
    static List<Disk> disks(Document xml) {
        List<Disk> out = new ArrayList<>();
        for (Element disk : diskElements(xml)) {
            out.add(new Disk(targetOf(disk), disk.getAttribute("device"),
                    Xml.attribute(Xml.child(disk, "source"), "file"), Xml.attribute(Xml.child(disk, "driver"), "type")));
        }
        return out;
    }

    /** The image files of one disk as a running domain's XML lists them: its source, then each backing store's. */
    static List<String> chain(Document xml, String target) {
        List<String> out = new ArrayList<>();
        for (Element disk : diskElements(xml)) {
            if (target.equals(targetOf(disk))) {
                // Only the nested <backingStore> elements: a <mirror> has a <source> of its own.
                for (Element layer = disk; layer != null; layer = Xml.child(layer, "backingStore")) {
                    String file = Xml.attribute(Xml.child(layer, "source"), "file");
                    if (file != null && !file.isEmpty()) {
                        out.add(file);
                    }
                }
            }
        }
        return out;
    }

    /**
     * The definition with disks (target → file, format) pointed at other files and their
     * {@code <backingStore>} dropped (libvirt reads the new chain itself).
     * @throws LibvirtFailure NOT_FOUND when {@code vm} has no such disk
     */
    static String repointDisks(String definition, String vm, Map<String, String[]> fileAndFormatByTarget) {
        Document xml = Xml.parse(definition);
        for (Map.Entry<String, String[]> e : fileAndFormatByTarget.entrySet()) {
            Element disk = Xml.elements(xml, "/domain/devices/disk").stream()
                    .filter(d -> e.getKey().equals(Xml.string(d, "target/@dev"))).findFirst()
                    .orElseThrow(() -> new LibvirtFailure(LibvirtFailure.Kind.NOT_FOUND,
                            vm + " has no disk " + e.getKey()));
            Xml.elements(disk, "source").get(0).setAttribute("file", e.getValue()[0]);
            Xml.elements(disk, "driver").get(0).setAttribute("type", e.getValue()[1]);
            for (Element b : Xml.elements(disk, "backingStore")) {
                disk.removeChild(b);
            }
        }
        return Xml.serialize(xml);
    }

    /** libvirt ≥ 9.9 reverts external snapshots itself and then says so in its capabilities. */
    static boolean revertsExternalSnapshots(String capabilitiesXml) {
        return !Xml.elements(Xml.parse(capabilitiesXml), "//externalSnapshot").isEmpty();
    }
}
