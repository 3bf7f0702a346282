package io.strata.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;

/**
 * What must hold after any run of the fault suite, whatever moment the app died at (issue 12):
 * the job ended and is audited; the disks read the data of before or of after the job; every
 * image is clean; no file is orphaned and none referenced is missing; libvirt's snapshots name
 * files that exist; no block job or paused QEMU is left; the VM takes a snapshot, a revert and a
 * start again. Each failed check is one violation, in words.
 */
final class Invariants {

    private final FaultSuite suite;
    private final FaultKind kind;
    private final String vm;
    private final long jobId;
    private final String state;
    private final List<String> filesBefore;
    private final List<String> violations = new ArrayList<>();

    Invariants(FaultSuite suite, FaultKind kind, String vm, long jobId, String state, List<String> filesBefore) {
        this.suite = suite;
        this.kind = kind;
        this.vm = vm;
        this.jobId = jobId;
        this.state = state;
        this.filesBefore = filesBefore;
    }

    List<String> check() throws Exception {
        jobEndedAndAudited();
        String data = kind.data(suite, vm, filesBefore);
        if (data.startsWith("VIOLATION")) {
            violations.add("data: " + data.substring("VIOLATION: ".length()));
        }
        for (String d : kind.domains(vm)) {
            if (Disks.domainExists(d)) {
                noBlockJobNorPause(d);
                snapshotsNameExistingFiles(d);
            }
        }
        imagesClean();
        noOrphansNorMissing();
        for (String d : kind.domains(vm)) {
            if (Disks.domainExists(d)) {
                usableAgain(d);
                break; // the source VM (the clone's usability is the source's, by construction)
            }
        }
        if (kind.template()) {
            templateIntactAndUsable();
        }
        return violations;
    }

    private void jobEndedAndAudited() throws Exception {
        if (state == null || state.equals("QUEUED") || state.equals("RUNNING")) {
            violations.add("job " + jobId + " is still " + state + " after the restart");
            return;
        }
        String busy = awaitNoBusyJobs();
        if (busy != null) {
            violations.add("jobs still QUEUED/RUNNING: " + busy);
        }
        if (state.equals("INTERRUPTED")) {
            for (String action : List.of("job.interrupted", "job.reconciled")) {
                if ("0".equals(suite.db.queryString("SELECT count(*) FROM audit_event WHERE job_id = ? AND action = ?",
                        jobId, action))) {
                    violations.add("interrupted job " + jobId + " has no " + action + " audit event");
                }
            }
        } else if ("0".equals(suite.db.queryString("SELECT count(*) FROM audit_event WHERE job_id = ?"
                + " AND outcome IN ('SUCCESS', 'FAILED', 'CANCELLED') AND action NOT LIKE 'job.%'", jobId))) {
            violations.add("job " + jobId + " (" + state + ") has no audit event of its outcome");
        }
    }

    /** Jobs the restart or the job itself queued (a sync) may still run for a moment. */
    private String awaitNoBusyJobs() throws Exception {
        String busy = null;
        for (int i = 0; i < 120; i++) {
            busy = suite.db.queryString("SELECT string_agg(id || ' ' || kind || ' ' || state, ', ') FROM job"
                    + " WHERE state IN ('QUEUED', 'RUNNING')");
            if (busy == null) {
                return null;
            }
            Thread.sleep(500);
        }
        return busy;
    }

    private void noBlockJobNorPause(String d) {
        if (Disks.state(d).equals("paused")) {
            violations.add(d + " is left paused");
        }
        if (Disks.state(d).equals("running")) {
            for (String[] disk : Disks.disks(d)) {
                if (Disks.hasBlockJob(d, disk[0])) {
                    violations.add(d + " " + disk[0] + " has a block job left (virsh blockjob --info)");
                }
            }
        }
    }

    private void snapshotsNameExistingFiles(String d) {
        for (String s : Disks.snapshotNames(d)) {
            for (String f : Disks.snapshotImages(d, s)) {
                if (!Files.exists(Path.of(f))) {
                    violations.add(d + " snapshot " + s + " names " + f + ", which is missing");
                }
            }
        }
    }

    private void imagesClean() throws IOException {
        try (Stream<Path> files = Files.list(LibvirtHost.DIR)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String problem = Disks.checkProblems(f.toString());
                if (problem != null && f.getFileName().toString().contains(vm)) {
                    violations.add(problem);
                }
            }
        }
    }

    /**
     * The app's own cleanup report over the run's directory: orphans (section 3) and broken chains
     * (section 2, a referenced file missing). Revert leftovers of a revert that ended are named by
     * design (kept until an operator removes them) and reported, not counted.
     */
    private void noOrphansNorMissing() throws Exception {
        for (Map<String, String> item : suite.reportItems()) {
            if (!item.get("key").contains(vm) && !item.get("summary").contains(vm)) {
                continue; // another run's
            }
            boolean designedLeftover = item.get("section").equals("3") && item.get("revertLeftover").equals("true")
                    && state.equals("SUCCEEDED");
            // A merge that stopped marks the snapshot being deleted partly merged (the VM reads as
            // before; the user asked for that point in time to go); deleting again must finish it,
            // which usableAgain checks.
            boolean markedToFinish = item.get("section").equals("2") && item.get("summary").contains("partly merged")
                    && kind.merges() && !state.equals("SUCCEEDED");
            if (!designedLeftover && !markedToFinish) {
                violations.add((item.get("section").equals("3") ? "orphan: " : "broken chain: ") + item.get("summary"));
            }
        }
    }

    /**
     * The template the run used is unchanged (checksum), still read-only and clean; a template the
     * run made is read-only and clean. Either way a thin VM provisioned from it reads its data, and
     * deleting that VM with its disks leaves the template image.
     */
    private void templateIntactAndUsable() {
        try {
            TemplateKinds.Sealed t = TemplateKinds.templateOf(kind, suite, vm, filesBefore);
            if (t == null) {
                return; // no template was made: the VM's own checks apply
            }
            Path image = Path.of(t.file());
            if (t.sha256() != null && !t.sha256().equals(DiskProbes.sha256(image))) {
                violations.add("the template image " + image + " changed (sha256)");
            }
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(image));
            if (!mode.equals("r--r--r--")) {
                violations.add("the template image " + image + " is " + mode + ", not read-only");
            }
            String problem = Disks.checkProblems(image.toString());
            if (problem != null) {
                violations.add(problem);
            }
            String u = vm + "-u";
            suite.succeed("POST", "/api/templates/" + t.name() + "/provision", TemplateKinds.provisionBody(u, "thin"));
            if (!TemplateKinds.readsAB(Disks.top(u))) {
                violations.add(u + ", provisioned from " + t.name() + " after the run, does not read A+B");
            }
            suite.succeed("DELETE", suite.vmPath(u) + "?disks=true", null);
            if (!Files.exists(image)) {
                violations.add("deleting " + u + " with its disks removed the template image " + image);
            }
        } catch (Exception | AssertionError e) {
            violations.add("the template is not usable: " + e.getMessage());
        }
    }

    /** A new snapshot, a revert to it, and a start, through the app: the VM is usable again. */
    private void usableAgain(String d) {
        try {
            if (Disks.state(d).equals("running")) {
                LibvirtHost.virsh("destroy", d);
            }
            String p = suite.vmPath(d);
            if (kind.merges() && !state.equals("SUCCEEDED") && !Disks.snapshotNames(d).isEmpty()) {
                // The interrupted merge, asked again (unthrottled), finishes it.
                suite.succeed(kind == FaultKind.SNAPSHOT_MERGE_ALL ? "POST" : "DELETE",
                        kind == FaultKind.SNAPSHOT_MERGE_ALL ? p + "/merge" : p + "/snapshots/s0", null);
                if (!Disks.snapshotNames(d).isEmpty()) {
                    violations.add(d + ": the merge asked again left snapshots " + Disks.snapshotNames(d));
                }
                String data = kind.data(suite, d, filesBefore);
                if (data.startsWith("VIOLATION")) {
                    violations.add("data after the merge was finished: " + data);
                }
                if (Disks.state(d).equals("running")) {
                    LibvirtHost.virsh("destroy", d);
                }
            }
            suite.succeed("POST", p + "/snapshots", "{\"name\":\"u1\",\"kind\":\"" + kind.snapshotKind + "\"}");
            suite.succeed("POST", p + "/snapshots/u1/revert", "{}");
            suite.succeed("POST", p + "/start", null);
            LibvirtHost.virsh("destroy", d);
        } catch (Exception | AssertionError e) {
            violations.add(d + " is not usable again: " + e.getMessage());
        }
    }
}
