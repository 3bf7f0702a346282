package io.strata.libvirt;

import static io.strata.libvirt.LibvirtSamples.DIR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class DomainXmlTest {

    private static Document sample(String file) {
        return Xml.parse(LibvirtSamples.read(file));
    }

    @Test
    void runningDomainNamesTheTopOfEachChain() {
        assertEquals(List.of(
                new DomainXml.Disk("vda", "disk", DIR + "ext-vda.ext-3", "qcow2"),
                new DomainXml.Disk("vdb", "disk", DIR + "ext-vdb.ext-2", "qcow2"),
                // the live XML of an empty drive has no driver type (the inactive one keeps "raw")
                new DomainXml.Disk("sdc", "cdrom", null, null)),
                DomainXml.disks(sample("domain-external-running.xml")));
    }

    @Test
    void inactiveDefinitionAfterAnOfflineSnapshot() {
        assertEquals(List.of(
                new DomainXml.Disk("vda", "disk", DIR + "ext-vda.ext-off", "qcow2"),
                new DomainXml.Disk("vdb", "disk", DIR + "ext-vdb.ext-off", "qcow2"),
                new DomainXml.Disk("sdc", "cdrom", null, "raw")),
                DomainXml.disks(sample("domain-external-inactive.xml")));
        assertEquals(List.of(new DomainXml.Disk("vda", "disk", DIR + "int-vda.qcow2", "qcow2")),
                DomainXml.disks(sample("domain-internal-inactive.xml")));
    }

    @Test
    void domainWithoutDevices() {
        assertTrue(DomainXml.disks(Xml.parse("<domain type='qemu'><name>x</name></domain>")).isEmpty());
    }

    @Test
    void name() {
        assertEquals("wtc-samples-ext", DomainXml.name(LibvirtSamples.read("domain-external-running.xml")));
        assertEquals("wtc-samples-int", DomainXml.name(LibvirtSamples.read("domain-internal-inactive.xml")));
    }

    @Test
    void repointSetsFileAndFormatAndDropsTheOldChain() {
        String before = LibvirtSamples.read("domain-external-inactive.xml");
        String after = DomainXml.repointDisks(before, "wtc-samples-ext", Map.of("vda", new String[] {"/new/vda.raw", "raw"}));
        Document xml = Xml.parse(after);
        assertEquals(List.of(
                new DomainXml.Disk("vda", "disk", "/new/vda.raw", "raw"),
                new DomainXml.Disk("vdb", "disk", DIR + "ext-vdb.ext-off", "qcow2"),
                new DomainXml.Disk("sdc", "cdrom", null, "raw")), DomainXml.disks(xml));
        assertTrue(Xml.elements(xml, "/domain/devices/disk[target/@dev='vda']/backingStore").isEmpty());
        assertFalse(Xml.elements(xml, "/domain/devices/disk[target/@dev='vdb']/backingStore").isEmpty(),
                "other disks keep their chain");
        assertEquals("wtc-samples-ext", DomainXml.name(after));
        assertEquals(new StrataMetadata("bob", false), StrataMetadata.fromDomainXml(xml), "metadata survives");
    }

    @Test
    void repointAnUnknownDiskIsNotFound() {
        String before = LibvirtSamples.read("domain-external-inactive.xml");
        LibvirtFailure e = assertThrows(LibvirtFailure.class, () ->
                DomainXml.repointDisks(before, "wtc-samples-ext", Map.of("vdz", new String[] {"/x", "qcow2"})));
        assertEquals(LibvirtFailure.Kind.NOT_FOUND, e.kind());
        assertEquals("wtc-samples-ext has no disk vdz", e.getMessage());
    }

    @Test
    void capabilitiesSayWhetherLibvirtRevertsExternalSnapshots() {
        assertFalse(DomainXml.revertsExternalSnapshots(
                "<capabilities><host><cpu><arch>x86_64</arch></cpu></host></capabilities>"));
        // libvirt >= 9.9: <host><features><externalSnapshot/></features>
        assertTrue(DomainXml.revertsExternalSnapshots(
                "<capabilities><host><features><externalSnapshot/></features></host></capabilities>"));
    }

    // ---------------------------------------------------------------- Strata's metadata element

    @Test
    void metadataFromRealDomains() {
        assertEquals(new StrataMetadata("bob", false), StrataMetadata.fromDomainXml(sample("domain-external-running.xml")));
        assertEquals(new StrataMetadata("alice", false), StrataMetadata.fromDomainXml(sample("domain-internal-inactive.xml")));
    }

    @Test
    void metadataMissingOrForeign() {
        assertEquals(new StrataMetadata(null, false),
                StrataMetadata.fromDomainXml(Xml.parse("<domain><name>x</name></domain>")));
        assertEquals(new StrataMetadata(null, false), StrataMetadata.fromDomainXml(Xml.parse(
                "<domain><metadata><o:vm xmlns:o='https://other.example/1' owner='eve' template='true'/></metadata></domain>")));
        assertEquals(new StrataMetadata(null, true), StrataMetadata.fromDomainXml(Xml.parse(
                "<domain><metadata><s:vm xmlns:s='" + StrataMetadata.NAMESPACE + "' owner='' template='true'/></metadata></domain>")));
    }

    @Test
    void writeIntoReplacesStratasElementOnly() {
        Document xml = Xml.parse("<domain><name>x</name><metadata>"
                + "<o:vm xmlns:o='https://other.example/1' owner='eve'/>"
                + "<s:vm xmlns:s='" + StrataMetadata.NAMESPACE + "' owner='bob' template='false'/></metadata></domain>");
        new StrataMetadata("carol", true).writeInto(xml);
        Document back = Xml.parse(Xml.serialize(xml));
        assertEquals(new StrataMetadata("carol", true), StrataMetadata.fromDomainXml(back));
        assertEquals(2, Xml.elements(back, "/domain/metadata/*").size());
    }

    @Test
    void writeIntoAddsMetadataWhenMissing() {
        Document xml = Xml.parse("<domain><name>x</name></domain>");
        new StrataMetadata(null, true).writeInto(xml);
        assertEquals(new StrataMetadata(null, true), StrataMetadata.fromDomainXml(Xml.parse(Xml.serialize(xml))));
    }

    @Test
    void elementXmlForSetMetadata() {
        assertEquals("<vm owner=\"a&quot;b\" template=\"false\"/>", new StrataMetadata("a\"b", false).toElementXml());
        assertEquals("<vm template=\"true\"/>", new StrataMetadata(null, true).toElementXml());
    }

    /** A block job's watcher tells a finished commit from a failed one by the live chain. */
    @Test
    void liveChainListsEachDisksFilesTopFirst() {
        Document running = sample("domain-external-running.xml");
        assertEquals(List.of(DIR + "ext-vda.ext-3", DIR + "ext-vda.ext-2", DIR + "ext-vda.ext-1", DIR + "ext-vda.qcow2"),
                DomainXml.chain(running, "vda"));
        assertEquals(List.of(DIR + "ext-vdb.ext-2", DIR + "ext-vdb.ext-1", DIR + "ext-vdb.qcow2"),
                DomainXml.chain(running, "vdb"));
        assertEquals(List.of(), DomainXml.chain(running, "sdc"), "an empty drive has no files");
        assertEquals(List.of(), DomainXml.chain(running, "vdz"), "no such disk");
    }

    /** During an active commit the disk has a {@code <mirror>} with a source of its own: not part of the chain. */
    @Test
    void liveChainIgnoresABlockJobsMirror() {
        Document xml = Xml.parse("""
                <domain><devices><disk type='file' device='disk'>
                  <source file='/i/top' index='2'/>
                  <backingStore type='file' index='1'><source file='/i/base'/><backingStore/></backingStore>
                  <mirror type='file' job='active-commit' ready='yes'><source file='/i/base' index='1'/></mirror>
                  <target dev='vda' bus='virtio'/>
                </disk></devices></domain>""");
        assertEquals(List.of("/i/top", "/i/base"), DomainXml.chain(xml, "vda"));
    }
}
