package io.strata.libvirt;

import static io.strata.libvirt.LibvirtSamples.DIR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SnapshotXmlTest {

    private static SnapshotInfo sample(String file) {
        return SnapshotXml.parse(LibvirtSamples.read(file), null, f -> -1);
    }

    private static SnapshotDisk disk(SnapshotInfo s, String target) {
        return s.disks().stream().filter(d -> d.target().equals(target)).findFirst().orElseThrow();
    }

    // ---------------------------------------------------------------- internal snapshots

    @Test
    void internalShutOffRootWithEscapedDescription() {
        SnapshotInfo s = sample("snapshot-internal-before-upgrade.xml");
        assertEquals("before-upgrade", s.name());
        assertNull(s.parent());
        assertEquals(SnapshotKind.INTERNAL, s.kind());
        assertEquals("shutoff", s.domainState());
        assertEquals("Before \"apt upgrade\" <kernel 6.1> & friends — ünïcode", s.description());
        assertEquals(Instant.ofEpochSecond(1795660557L), s.createdAt());
        assertFalse(s.current());
        assertEquals(List.of(new SnapshotDisk("vda", "internal", null, DIR + "int-vda.qcow2", "qcow2", -1)), s.disks());
        assertTrue(s.externalDisks().isEmpty());
    }

    @Test
    void internalChildNamesItsParentAndHasNoDescription() {
        SnapshotInfo s = sample("snapshot-internal-after-upgrade.xml");
        assertEquals("after-upgrade", s.name());
        assertEquals("before-upgrade", s.parent());
        assertNull(s.description());
        assertEquals(SnapshotKind.INTERNAL, s.kind());
        assertTrue(s.createdAt().isAfter(sample("snapshot-internal-before-upgrade.xml").createdAt()));
    }

    @Test
    void internalTakenRunningKeepsMemoryInternally() {
        SnapshotInfo s = sample("snapshot-internal-running-internal.xml");
        assertEquals(SnapshotKind.INTERNAL, s.kind());
        assertEquals("running", s.domainState());
        assertEquals("after-upgrade", s.parent());
        assertEquals("taken while running", s.description());
        assertEquals("internal", disk(s, "vda").mode());
    }

    @Test
    void secondChildOfTheSameParent() {
        SnapshotInfo s = sample("snapshot-internal-other-branch.xml");
        assertEquals("before-upgrade", s.parent());
        assertEquals("shutoff", s.domainState());
    }

    @Test
    void testDriverSnapshot() {
        SnapshotInfo s = sample("snapshot-testdriver-child.xml");
        assertEquals("test-child", s.name());
        assertEquals("test-snap", s.parent());
        assertEquals(SnapshotKind.INTERNAL, s.kind());
        assertEquals("running", s.domainState());
        SnapshotDisk vda = disk(s, "vda");
        assertEquals("internal", vda.mode());
        assertNull(vda.overlay());
        assertEquals("/guest/diskimage1", vda.image());
    }

    // ---------------------------------------------------------------- external snapshots

    @Test
    void externalRunningRoot() {
        List<String> asked = new ArrayList<>();
        SnapshotInfo s = SnapshotXml.parse(LibvirtSamples.read("snapshot-external-ext-1.xml"), null, f -> {
            asked.add(f);
            return 4096;
        });
        assertEquals("ext-1", s.name());
        assertNull(s.parent());
        assertEquals(SnapshotKind.EXTERNAL, s.kind());
        assertEquals("disk-snapshot", s.domainState());
        assertEquals("first external", s.description());
        assertEquals(List.of(
                new SnapshotDisk("vda", "external", DIR + "ext-vda.ext-1", DIR + "ext-vda.qcow2", "qcow2", 4096),
                new SnapshotDisk("vdb", "external", DIR + "ext-vdb.ext-1", DIR + "ext-vdb.qcow2", "qcow2", 4096),
                new SnapshotDisk("sdc", "no", null, null, "raw", -1)), s.disks());
        assertEquals(List.of("vda", "vdb"), s.externalDisks().stream().map(SnapshotDisk::target).toList());
        assertEquals(List.of(DIR + "ext-vda.ext-1", DIR + "ext-vdb.ext-1"), asked, "sizes asked for overlays only");
    }

    @Test
    void externalChildHoldsItsDataInTheParentsOverlay() {
        SnapshotInfo parent = sample("snapshot-external-ext-1.xml");
        SnapshotInfo child = sample("snapshot-external-ext-2.xml");
        assertEquals("ext-1", child.parent());
        for (String target : List.of("vda", "vdb")) {
            assertEquals(disk(parent, target).overlay(), disk(child, target).image(), target);
        }
        assertEquals(DIR + "ext-vda.ext-2", disk(child, "vda").overlay());
    }

    @Test
    void externalGrandchildWithADiskLeftOut() {
        SnapshotInfo s = sample("snapshot-external-ext-3.xml");
        assertEquals("ext-2", s.parent());
        assertEquals(SnapshotKind.EXTERNAL, s.kind());
        assertEquals(new SnapshotDisk("vda", "external", DIR + "ext-vda.ext-3", DIR + "ext-vda.ext-2", "qcow2", -1),
                disk(s, "vda"));
        // vdb took no overlay at ext-3: it still wrote into ext-2's overlay
        assertEquals(new SnapshotDisk("vdb", "no", null, DIR + "ext-vdb.ext-2", "qcow2", -1), disk(s, "vdb"));
        assertEquals(List.of("vda"), s.externalDisks().stream().map(SnapshotDisk::target).toList());
    }

    @Test
    void externalTakenShutOff() {
        SnapshotInfo s = sample("snapshot-external-ext-off.xml");
        assertEquals("ext-3", s.parent());
        assertEquals("shutoff", s.domainState());
        assertEquals(SnapshotKind.EXTERNAL, s.kind());
        assertEquals("shut off", s.description());
        assertEquals(DIR + "ext-vda.ext-off", disk(s, "vda").overlay());
        assertEquals(DIR + "ext-vda.ext-3", disk(s, "vda").image());
        assertEquals(DIR + "ext-vdb.ext-2", disk(s, "vdb").image());
    }

    @Test
    void creationTimesOrderTheChain() {
        List<Instant> times = List.of("ext-1", "ext-2", "ext-3", "ext-off").stream()
                .map(n -> sample("snapshot-external-" + n + ".xml").createdAt()).toList();
        assertEquals(times.stream().sorted().toList(), times);
    }

    // ---------------------------------------------------------------- current marker and odd shapes

    @Test
    void currentOnlyWhenTheNameMatches() {
        String xml = LibvirtSamples.read("snapshot-external-ext-2.xml");
        assertTrue(SnapshotXml.parse(xml, "ext-2", f -> -1).current());
        assertFalse(SnapshotXml.parse(xml, "ext-1", f -> -1).current());
        assertFalse(SnapshotXml.parse(xml, null, f -> -1).current());
    }

    @Test
    void externalMemoryMakesItExternal() {
        SnapshotInfo s = SnapshotXml.parse("<domainsnapshot><name>m</name><memory snapshot='external' file='/m.save'/>"
                + "<disks><disk name='vda' snapshot='internal'/></disks></domainsnapshot>", null, f -> -1);
        assertEquals(SnapshotKind.EXTERNAL, s.kind());
    }

    @Test
    void minimalXmlFallsBackToEpochAndNoDisks() {
        SnapshotInfo s = SnapshotXml.parse("<domainsnapshot><name>bare</name></domainsnapshot>", null, f -> -1);
        assertEquals("bare", s.name());
        assertEquals(Instant.EPOCH, s.createdAt());
        assertEquals(SnapshotKind.INTERNAL, s.kind());
        assertNull(s.domainState());
        assertTrue(s.disks().isEmpty());
    }

    @Test
    void diskWithoutModeOrSavedDomain() {
        SnapshotInfo s = SnapshotXml.parse("<domainsnapshot><name>x</name><disks><disk name='vda'/></disks>"
                + "</domainsnapshot>", null, f -> -1);
        assertEquals(List.of(new SnapshotDisk("vda", null, null, null, null, -1)), s.disks());
    }

    @Test
    void onlyUnprefixedElementsCountAsXPathWithoutAPrefixWouldSelect() {
        // A namespaced element of the same local name (domain metadata) is not the saved disk.
        SnapshotInfo s = SnapshotXml.parse("<domainsnapshot><name>x</name><state>shutoff</state>"
                + "<disks><disk name='vda' snapshot='external'><source file='/o.qcow2'/></disk></disks>"
                + "<domain><devices><s:disk xmlns:s='urn:x'><target dev='vda'/><source file='/wrong'/></s:disk>"
                + "<disk><target dev='vda'/><source file='/b.qcow2'/><driver type='qcow2'/></disk></devices></domain>"
                + "</domainsnapshot>", null, f -> 7);
        assertEquals(List.of(new SnapshotDisk("vda", "external", "/o.qcow2", "/b.qcow2", "qcow2", 7)), s.disks());
        assertEquals(SnapshotKind.EXTERNAL, s.kind());
        assertEquals("shutoff", s.domainState());
        assertThrows(NullPointerException.class, () -> SnapshotXml.parse("<other><name>x</name></other>", null, f -> -1),
                "another root is no snapshot (as before: no name)");
    }

    @Test
    void unreadableXmlIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SnapshotXml.parse("<domainsnapshot><name>x</name>", null, f -> -1));
        assertTrue(e.getMessage().startsWith("unreadable XML from libvirt"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SnapshotXml.parse(
                "<!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><domainsnapshot><name>&x;</name></domainsnapshot>",
                null, f -> -1), "no DOCTYPE, so no external entities");
    }

    // ---------------------------------------------------------------- requests

    @Test
    void internalRequestCarriesNameAndDescriptionAsText() {
        String xml = SnapshotXml.internalRequest("s1", "a <b> & \"c\" 'd' ]]>");
        SnapshotInfo back = SnapshotXml.parse(xml, null, f -> -1);
        assertEquals("s1", back.name());
        assertEquals("a <b> & \"c\" 'd' ]]>", back.description());
        assertTrue(back.disks().isEmpty());
        assertFalse(xml.contains("<b>"), xml);
    }

    @Test
    void blankDescriptionIsLeftOut() {
        assertEquals("<domainsnapshot><name>s1</name></domainsnapshot>", SnapshotXml.internalRequest("s1", "  "));
        assertEquals("<domainsnapshot><name>s1</name></domainsnapshot>", SnapshotXml.internalRequest("s1", null));
    }

    @Test
    void externalRequestListsOverlaysAndLeavesOthersOut() {
        Map<String, String> overlays = new LinkedHashMap<>();
        overlays.put("vda", "/img/a.s1");
        overlays.put("vdb", "/img/b'\".s1");
        String xml = SnapshotXml.externalRequest("s1", "d", overlays, List.of("sdc"));
        assertEquals("<domainsnapshot><name>s1</name><description>d</description><disks>"
                + "<disk name=\"vda\" snapshot=\"external\" type=\"file\"><driver type=\"qcow2\"/><source file=\"/img/a.s1\"/></disk>"
                + "<disk name=\"vdb\" snapshot=\"external\" type=\"file\"><driver type=\"qcow2\"/>"
                + "<source file=\"/img/b'&quot;.s1\"/></disk>"
                + "<disk name=\"sdc\" snapshot=\"no\"/></disks></domainsnapshot>", xml);
        SnapshotInfo back = SnapshotXml.parse(xml, null, f -> -1);
        assertEquals(SnapshotKind.EXTERNAL, back.kind());
        assertEquals("/img/b'\".s1", disk(back, "vdb").overlay());
        assertEquals("no", disk(back, "sdc").mode());
    }
}
