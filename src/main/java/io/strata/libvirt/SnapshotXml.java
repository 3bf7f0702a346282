package io.strata.libvirt;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * libvirt's snapshot XML, both ways: reads what {@code virsh snapshot-dumpxml} shows into a
 * {@link SnapshotInfo}, and writes the XML that asks libvirt for a new snapshot. Pure: no libvirt call.
 */
final class SnapshotXml {

    private SnapshotXml() {
    }

    static SnapshotInfo parse(String xml, String currentName, ToLongFunction<String> bytesOf) {
        return parse(Xml.parse(xml), currentName, bytesOf);
    }

    /**
     * The snapshot described by {@code xml}. {@code currentName} may be null: the caller then sets
     * the current marker itself; {@code bytesOf} gives an overlay's size on disk.
     */
    static SnapshotInfo parse(Document xml, String currentName, ToLongFunction<String> bytesOf) {
        // Walked, not queried with XPath: this runs for every new snapshot after every job, and
        // JAXP's XPath cost 3–4 ms here. The steps are those of the XPaths it replaced
        // (/domainsnapshot/name, …/disks/disk[@snapshot='external'], …/domain/devices/disk).
        Element snap = Xml.root(xml, "domainsnapshot");
        String name = Xml.text(Xml.child(snap, "name"));
        String parent = Xml.text(Xml.child(Xml.child(snap, "parent"), "name"));
        String created = Xml.text(Xml.child(snap, "creationTime"));
        List<Element> snapDisks = Xml.children(Xml.child(snap, "disks"), "disk");
        List<Element> savedDisks = Xml.children(Xml.child(Xml.child(snap, "domain"), "devices"), "disk");
        boolean external = snapDisks.stream().anyMatch(d -> "external".equals(d.getAttribute("snapshot")))
                || "external".equals(Xml.attribute(Xml.child(snap, "memory"), "snapshot"));
        List<SnapshotDisk> disks = new ArrayList<>();
        for (Element d : snapDisks) {
            String target = d.getAttribute("name");
            String mode = d.getAttribute("snapshot");
            Element saved = savedDisks.stream()
                    .filter(e -> target.equals(DomainXml.targetOf(e))).findFirst().orElse(null);
            String overlay = Xml.attribute(Xml.child(d, "source"), "file");
            disks.add(new SnapshotDisk(target, mode.isEmpty() ? null : mode, overlay,
                    saved == null ? null : Xml.attribute(Xml.child(saved, "source"), "file"),
                    saved == null ? null : Xml.attribute(Xml.child(saved, "driver"), "type"),
                    overlay == null ? -1 : bytesOf.applyAsLong(overlay)));
        }
        return new SnapshotInfo(name, parent, external ? SnapshotKind.EXTERNAL : SnapshotKind.INTERNAL,
                Xml.text(Xml.child(snap, "state")), Xml.text(Xml.child(snap, "description")),
                created == null ? Instant.EPOCH : Instant.ofEpochSecond(Long.parseLong(created)),
                name.equals(currentName), List.copyOf(disks));
    }

    /** The request for an internal snapshot: a name and, when not blank, a description. */
    static String internalRequest(String name, String description) {
        return Xml.serialize(named(name, description).getDocumentElement());
    }

    /**
     * The request for an external snapshot: each disk of {@code overlayByTarget} gets a qcow2
     * overlay at the given path; {@code otherTargets} are left out ({@code snapshot='no'}).
     */
    static String externalRequest(String name, String description, Map<String, String> overlayByTarget,
            List<String> otherTargets) {
        Document d = named(name, description);
        Element root = d.getDocumentElement();
        Element disks = d.createElement("disks");
        root.appendChild(disks);
        overlayByTarget.forEach((target, file) -> {
            Element disk = d.createElement("disk");
            disk.setAttribute("name", target);
            disk.setAttribute("snapshot", "external");
            disk.setAttribute("type", "file");
            Element driver = d.createElement("driver");
            driver.setAttribute("type", "qcow2");
            disk.appendChild(driver);
            Element source = d.createElement("source");
            source.setAttribute("file", file);
            disk.appendChild(source);
            disks.appendChild(disk);
        });
        for (String target : otherTargets) {
            Element disk = d.createElement("disk");
            disk.setAttribute("name", target);
            disk.setAttribute("snapshot", "no");
            disks.appendChild(disk);
        }
        return Xml.serialize(root);
    }

    private static Document named(String name, String description) {
        Document d = Xml.newDocument("domainsnapshot");
        Element root = d.getDocumentElement();
        Xml.addText(root, "name", name);
        if (description != null && !description.isBlank()) {
            Xml.addText(root, "description", description);
        }
        return d;
    }
}
