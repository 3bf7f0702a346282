package io.strata.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.strata.imagetool.ImageInfo;
import io.strata.libvirt.DiskInfo;
import io.strata.libvirt.DomainState;
import io.strata.libvirt.DomainSummary;

class SealChecksTest {

    static final String ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHgP6mQb4u0T0n2Ivbq7Xh3J5m0kUQ1b9Xk0w8lqZ7yP";
    static final String RSA = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7+/x9Zq== alice@laptop";

    private static final Set<String> KNOWN = new TreeSet<>(List.of("bash-history", "logfiles", "machine-id", "ssh-hostkeys"));

    // ---------------------------------------------------------------- the VM

    private static ImageInfo image(String file, String format, String backing) {
        return new ImageInfo(file, format, 1L << 30, 1L << 20, backing, 0);
    }

    private static DiskInfo disk(String target, String file, String format) {
        return new DiskInfo(target, "disk", file, format, List.of(image(file, format, null)), null);
    }

    private static DomainSummary vm(DomainState state, DiskInfo... disks) {
        return new DomainSummary("web", "uuid", state, 1, 131072, "alice", false, List.of(disks));
    }

    @Test
    void shutOffVmWithQcow2AndRawDisksCanBeSealed() {
        assertNull(SealChecks.sealProblem(vm(DomainState.SHUT_OFF, disk("vda", "/i/a.qcow2", "qcow2"),
                disk("vdb", "/i/b.img", "raw")), false));
    }

    @Test
    void everyStateButShutOffIsRefused() {
        for (DomainState s : DomainState.values()) {
            String problem = SealChecks.sealProblem(vm(s, disk("vda", "/i/a.qcow2", "qcow2")), false);
            if (s == DomainState.SHUT_OFF) {
                assertNull(problem);
            } else {
                assertEquals("web is " + s.label() + "; shut it down first (virt-sysprep needs its disks at rest)", problem);
            }
        }
    }

    @Test
    void stateIsCheckedBeforeSnapshots() {
        assertEquals("web is running; shut it down first (virt-sysprep needs its disks at rest)",
                SealChecks.sealProblem(vm(DomainState.RUNNING), true));
    }

    @Test
    void snapshotsAreRefused() {
        assertEquals("web has snapshots; merge or delete them first (a template is one image per disk)",
                SealChecks.sealProblem(vm(DomainState.SHUT_OFF, disk("vda", "/i/a.qcow2", "qcow2")), true));
    }

    @Test
    void cdromsAndEmptyDrivesDoNotCount() {
        DiskInfo cdrom = new DiskInfo("sdc", "cdrom", "/iso/debian.iso", "raw", List.of(), null);
        DiskInfo empty = new DiskInfo("vdb", "disk", null, "qcow2", List.of(), null);
        assertEquals("web has no file-backed disk", SealChecks.sealProblem(vm(DomainState.SHUT_OFF), false));
        assertEquals("web has no file-backed disk", SealChecks.sealProblem(vm(DomainState.SHUT_OFF, cdrom, empty), false));
        assertNull(SealChecks.sealProblem(vm(DomainState.SHUT_OFF, cdrom, disk("vda", "/i/a.qcow2", "qcow2")), false));
    }

    @Test
    void otherFormatsAreRefused() {
        assertEquals("disk vdb is vmdk; only qcow2 and raw disks can be sealed", SealChecks.sealProblem(
                vm(DomainState.SHUT_OFF, disk("vda", "/i/a.qcow2", "qcow2"), disk("vdb", "/i/b.vmdk", "vmdk")), false));
        assertEquals("disk vda is null; only qcow2 and raw disks can be sealed",
                SealChecks.sealProblem(vm(DomainState.SHUT_OFF, disk("vda", "/i/a", null)), false));
    }

    @Test
    void aDiskOnABackingFileIsRefused() {
        DiskInfo thin = new DiskInfo("vda", "disk", "/i/web.qcow2", "qcow2",
                List.of(image("/i/web.qcow2", "qcow2", "/t/base.qcow2"), image("/t/base.qcow2", "qcow2", null)), null);
        assertEquals("disk vda stacks on /t/base.qcow2; flatten the VM first",
                SealChecks.sealProblem(vm(DomainState.SHUT_OFF, thin), false));
    }

    // ---------------------------------------------------------------- virt-sysprep operations

    @Test
    void noOperationsMeansDefaultsWithoutAskingVirtSysprep() {
        Supplier<Set<String>> never = () -> {
            throw new AssertionError("virt-sysprep asked");
        };
        assertNull(SealChecks.operationsProblem(null, never));
        assertNull(SealChecks.operationsProblem(List.of(), never));
        assertEquals("defaults", SealChecks.operationsArgument(null));
        assertEquals("defaults", SealChecks.operationsArgument(List.of()));
    }

    @Test
    void knownOperationsDefaultsAndExclusions() {
        List<String> ops = List.of("defaults", "-ssh-hostkeys", "logfiles", "-defaults");
        assertNull(SealChecks.operationsProblem(ops, () -> KNOWN));
        assertEquals("defaults,-ssh-hostkeys,logfiles,-defaults", SealChecks.operationsArgument(ops));
    }

    @Test
    void unknownOperationNamesTheKnownOnes() {
        assertEquals("unknown virt-sysprep operation \"format-disk\"; known: defaults, bash-history, logfiles, machine-id, "
                + "ssh-hostkeys", SealChecks.operationsProblem(List.of("logfiles", "format-disk"), () -> KNOWN));
    }

    @Test
    void oddOperations() {
        String known = "; known: defaults, bash-history, logfiles, machine-id, ssh-hostkeys";
        assertEquals("unknown virt-sysprep operation \"\"" + known,
                SealChecks.operationsProblem(Arrays.asList((String) null), () -> KNOWN));
        assertEquals("unknown virt-sysprep operation \"\"" + known, SealChecks.operationsProblem(List.of(""), () -> KNOWN));
        assertEquals("unknown virt-sysprep operation \"-\"" + known, SealChecks.operationsProblem(List.of("-"), () -> KNOWN));
        assertEquals("unknown virt-sysprep operation \"--logfiles\"" + known,
                SealChecks.operationsProblem(List.of("--logfiles"), () -> KNOWN));
        assertEquals("unknown virt-sysprep operation \"logfiles,machine-id\"" + known,
                SealChecks.operationsProblem(List.of("logfiles,machine-id"), () -> KNOWN), "one operation per entry");
        assertEquals("unknown virt-sysprep operation \"a?b\"" + known, SealChecks.operationsProblem(List.of("a\nb"), () -> KNOWN));
    }

    @Test
    void atMostOneHundredOperationsAndThenVirtSysprepIsNotAsked() {
        AtomicInteger asked = new AtomicInteger();
        Supplier<Set<String>> counting = () -> {
            asked.incrementAndGet();
            return KNOWN;
        };
        assertNull(SealChecks.operationsProblem(Collections.nCopies(100, "logfiles"), counting));
        assertEquals(1, asked.get());
        assertEquals("at most 100 operations", SealChecks.operationsProblem(Collections.nCopies(101, "logfiles"), counting));
        assertEquals(1, asked.get());
    }

    // ---------------------------------------------------------------- SSH keys

    @Test
    void acceptedKeys() {
        for (String k : List.of(ED25519, RSA, ED25519 + " comment with spaces and symbols !@#$%^&*()",
                "ecdsa-sha2-nistp256 AAAAE2VjZHNh", "ecdsa-sha2-nistp384 AAAA", "ecdsa-sha2-nistp521 AAAA=",
                "sk-ssh-ed25519@openssh.com AAAAGnNr", "sk-ecdsa-sha2-nistp256@openssh.com AAAA", "ssh-dss AAAAB3Nza===",
                "  " + ED25519 + "\n")) {
            assertTrue(SealChecks.isSshKey(k), k);
        }
        assertNull(SealChecks.sshKeysProblem(List.of()));
        assertNull(SealChecks.sshKeysProblem(List.of(ED25519, RSA)));
    }

    @Test
    void refusedKeys() {
        for (String k : Arrays.asList(null, "", "ssh-ed25519", "ssh-ed25519 ", "ssh-ed448 AAAA", "ecdsa-sha2-nistp512 AAAA",
                "AAAAC3NzaC1lZDI1NTE5", "ssh-rsa AAAA====", "ssh-rsa AA-A", "ssh-rsa  AAAA", "ssh-rsa AAAA\nssh-rsa BBBB",
                "ssh-rsa AAAA comment\nmore", "ssh-rsa AAAA \u00e9t\u00e9", "ssh-rsa AAAA " + "c".repeat(201),
                "command=\"rm -rf /\" ssh-rsa AAAA", "-----BEGIN OPENSSH PRIVATE KEY-----")) {
            assertFalse(SealChecks.isSshKey(k), String.valueOf(k));
        }
        assertTrue(SealChecks.isSshKey("ssh-rsa AAAA " + "c".repeat(200)));
    }

    @Test
    void keyLengthLimit() {
        String body = "A".repeat(16384 - "ssh-rsa ".length());
        assertTrue(SealChecks.isSshKey("ssh-rsa " + body));
        assertFalse(SealChecks.isSshKey("ssh-rsa " + body + "A"));
    }

    @Test
    void keyProblemsQuoteTheKeyShortened() {
        assertEquals("not an OpenSSH public key on one line (type, key, optional comment): \"nope\"",
                SealChecks.sshKeysProblem(List.of(ED25519, "nope")));
        assertEquals("not an OpenSSH public key on one line (type, key, optional comment): \"" + "x".repeat(40) + "…\"",
                SealChecks.sshKeysProblem(List.of("x".repeat(41))));
        assertEquals("not an OpenSSH public key on one line (type, key, optional comment): \"\"",
                SealChecks.sshKeysProblem(Arrays.asList((String) null)));
        assertEquals("not an OpenSSH public key on one line (type, key, optional comment): \"a?b\"",
                SealChecks.sshKeysProblem(List.of("a\u0000b")));
    }

    @Test
    void atMostTwentyKeysCountedBeforeTheyAreRead() {
        assertNull(SealChecks.sshKeysProblem(Collections.nCopies(20, ED25519)));
        List<String> many = new ArrayList<>(Collections.nCopies(21, "not a key"));
        assertEquals("at most 20 SSH keys", SealChecks.sshKeysProblem(many));
    }

    // ---------------------------------------------------------------- hostname and payload

    @Test
    void hostname() {
        assertNull(SealChecks.hostnameProblem("localhost"));
        assertNull(SealChecks.hostnameProblem(TemplateService.DEFAULT_HOSTNAME));
        assertEquals("not a valid hostname: \"Web_1\"", SealChecks.hostnameProblem("Web_1"));
        assertEquals("not a valid hostname: \"a?b\"", SealChecks.hostnameProblem("a\nb"));
    }

    @Test
    void sealPayloadNeedsOperationsAndCopiesKeys() {
        assertEquals("operations missing", assertThrows(IllegalArgumentException.class,
                () -> new SealPayload(null, List.of(), "h")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SealPayload(" ", List.of(), "h"));
        assertEquals(List.of(), new SealPayload("defaults", null, "h").sshKeys());
        List<String> keys = new ArrayList<>(List.of(ED25519));
        SealPayload p = new SealPayload("defaults", keys, "h");
        keys.add(RSA);
        assertEquals(List.of(ED25519), p.sshKeys());
        assertThrows(UnsupportedOperationException.class, () -> p.sshKeys().add(RSA));
    }
}
