package io.strata.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class OrphanRulesTest {

    private static FileReferences layout() {
        FileReferences r = new FileReferences(f -> f);
        r.domainOwner("web-1", "alice");
        // web-1 runs on web-1.1700000000, an overlay a revert put on web-1.qcow2
        r.domainChain("web-1", "vda", List.of("/img/web-1.1700000000", "/img/web-1.qcow2"));
        r.snapshotChain("web-1", "s1", List.of("/img/web-1.s1"));
        r.snapshotChain("web-1", "s1", List.of("/img/web-1.qcow2"));
        r.templateImage("template-base", "/img/template-base.qcow2");
        r.domainChain("thin-1", "vda", List.of("/img/thin-1.qcow2", "/img/template-base.qcow2"));
        r.activeJob(42, "vm.provision-thin", "new-vm", "{}");
        return r;
    }

    private static OrphanRules.Evidence ev(String path, String backing, boolean backingExists) {
        return new OrphanRules.Evidence(path, 196_616, Instant.parse("2026-11-20T10:00:00Z"), "qcow2", backing,
                backingExists, null);
    }

    @Test
    void disksChainsSnapshotsTemplatesAndJobsAreReferenced() {
        FileReferences r = layout();
        assertEquals("disk vda of web-1", r.referrer("/img/web-1.1700000000"));
        assertEquals("backing chain of disk vda of web-1", r.referrer("/img/web-1.qcow2"));
        assertEquals("snapshot s1 of web-1", r.referrer("/img/web-1.s1"));
        assertTrue(r.referrer("/img/template-base.qcow2").contains("template-base"));
        assertEquals("job 42 (vm.provision-thin, not finished)", r.referrer("/img/new-vm.qcow2"));
        assertNull(r.referrer("/img/stray.qcow2"));
        assertNull(r.referrer("/img/new-vmx.qcow2"), "a prefix is the VM name and a separator, not any prefix");
    }

    @Test
    void anOverlayOfAnImageAVmUsesButNotInItsChainIsABranchLeftBehind() {
        OrphanRules.Orphan o = OrphanRules.judge(ev("/img/web-1.old", "/img/web-1.qcow2", true), layout());
        assertTrue(o.why().startsWith("overlay of web-1.qcow2, which web-1 uses, but in no chain of web-1 and no snapshot of it"),
                o.why());
        assertTrue(o.why().contains("through web-1.1700000000"), o.why());
        assertEquals("web-1", o.vm());
        assertEquals("alice", o.owner());
        assertTrue(o.revertLeftover());
    }

    @Test
    void aRevertOverlayIsNamedAsSuchWithItsTime() {
        OrphanRules.Orphan o = OrphanRules.judge(ev("/img/web-1.1699999000", "/img/web-1.qcow2", true), layout());
        assertTrue(o.why().startsWith("revert overlay made 2023-11-14T21:56:40Z: overlay of web-1.qcow2"), o.why());
        assertTrue(o.revertLeftover());
    }

    @Test
    void overlaysOfTemplatesOfMissingOrOfUnreferencedFilesAndStandaloneImages() {
        FileReferences r = layout();
        OrphanRules.Orphan t = OrphanRules.judge(ev("/img/gone-vm.qcow2", "/img/template-base.qcow2", true), r);
        assertTrue(t.why().contains("the image of template template-base, but no VM uses it"), t.why());
        assertFalse(t.revertLeftover());
        assertNull(t.owner());
        OrphanRules.Orphan m = OrphanRules.judge(ev("/img/x.qcow2", "/img/missing.qcow2", false), r);
        assertTrue(m.why().contains("which no longer exists"), m.why());
        OrphanRules.Orphan u = OrphanRules.judge(ev("/img/y.qcow2", "/img/stray.qcow2", true), r);
        assertTrue(u.why().contains("which nothing references either"), u.why());
        OrphanRules.Orphan s = OrphanRules.judge(ev("/img/z.qcow2", null, false), r);
        assertTrue(s.why().startsWith("standalone qcow2 image"), s.why());
    }

    @Test
    void anOverlayOfASnapshotImageOutsideTheDiskChain() {
        FileReferences r = new FileReferences(f -> f);
        r.domainChain("db", "vda", List.of("/img/db.2"));
        r.snapshotChain("db", "before", List.of("/img/db.before"));
        OrphanRules.Orphan o = OrphanRules.judge(ev("/img/db.x", "/img/db.before", true), r);
        assertTrue(o.why().contains("which holds snapshot before of db"), o.why());
        assertEquals("db", o.vm());
    }

    @Test
    void imageCandidatesAndRevertNames() {
        assertTrue(OrphanRules.isImageCandidate("a.qcow2", false));
        assertTrue(OrphanRules.isImageCandidate("a.IMG", false));
        assertTrue(OrphanRules.isImageCandidate("web-1.before-upgrade", true));
        assertFalse(OrphanRules.isImageCandidate("web-1.xml", false));
        assertFalse(OrphanRules.isImageCandidate("console.log", false));
        assertEquals(Instant.ofEpochSecond(1_764_000_000L), OrphanRules.revertStamp("web-1.1764000000"));
        assertNull(OrphanRules.revertStamp("web-1.qcow2"));
        assertNull(OrphanRules.revertStamp("web-1.12345"));
    }
}
