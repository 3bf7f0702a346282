package io.strata.faults;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.strata.support.AppProcess;
import io.strata.support.LibvirtHost;
import io.strata.support.PrivateLibvirtd;
import io.strata.support.PrivatePostgres;
import io.strata.support.Processes;
import io.strata.support.VmBuilder;

/**
 * The fault suite: for each kind and run, a VM is prepared, the job requested, a {@link Fault}
 * (the app killed, PostgreSQL or libvirtd restarted, the disk full) hits at a random moment of the
 * job (seeded, printed), and the job is left to end or be reconciled; then {@link Invariants} are
 * checked. One shared database and one app port for the whole suite;
 * domains are named {@code st-<run>-f-<kind>-<n>} and their files kept in the run's directory;
 * the orphan scan's findings are filtered to the run's VM.
 */
final class FaultSuite implements AutoCloseable {

    /** What goes wrong mid-job. */
    enum Fault {
        /** SIGKILL of the app, then a restart that reconciles. */
        APP_KILL,
        /** An immediate stop of the (private) PostgreSQL, 3 s down, then a start with crash recovery. */
        POSTGRES_RESTART,
        /** The VM's files sit on a small tmpfs that is filled up before the job: qemu-img and libvirt hit ENOSPC. */
        ENOSPC,
        /**
         * SIGKILL of libvirtd (a private one: the machine's is shared), restarted 2–6 s later; QEMU
         * and its block jobs go on meanwhile. The app, virsh and the checks all use that libvirtd.
         */
        LIBVIRTD_RESTART;

        static Fault of(String s) {
            return valueOf(s.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

    /** One run's outcome, printed and summed per kind. */
    record Run(FaultKind kind, int n, long seed, long killAfterMs, String jobState, boolean endedBeforeKill,
               double reconcileSeconds, List<String> violations) {
    }

    private static final int PORT = Integer.getInteger("faults.port", 18015);

    final Fault fault;
    private final PrivatePostgres postgres;
    private final PrivateLibvirtd libvirtd;
    final AppProcess.SharedDb db;
    /** Where the VMs' disks go: the run's directory, or for ENOSPC a small tmpfs in it. */
    private final Path diskDir;
    private AppProcess app;
    private int starts;

    FaultSuite(Fault fault) throws Exception {
        this.fault = fault;
        LibvirtHost.createDir();
        if (fault == Fault.POSTGRES_RESTART) {
            if (!PrivatePostgres.inUse()) {
                throw new IllegalStateException("the postgres-restart fault restarts a private cluster: run it with"
                        + " STRATA_TEST_PG=" + PrivatePostgres.SERVER + " STRATA_TEST_PG_USER=postgres (./strata faults does)");
            }
            postgres = new PrivatePostgres().start();
        } else {
            postgres = null;
        }
        if (fault == Fault.LIBVIRTD_RESTART) {
            libvirtd = new PrivateLibvirtd().start();
            LibvirtHost.useUri(libvirtd.uri());
        } else {
            libvirtd = null;
        }
        db = new AppProcess.SharedDb();
        if (fault == Fault.ENOSPC) {
            diskDir = LibvirtHost.DIR.resolve("small");
            Files.createDirectories(diskDir);
            Processes.ok("mount", "-t", "tmpfs", "-o", "size=" + SMALL_MIB + "m,mode=0755", "tmpfs", diskDir.toString());
        } else {
            diskDir = LibvirtHost.DIR;
        }
        app = newApp().start();
    }

    /** The small storage: a 64 MiB disk with 20 MiB of data and its overlay fit; a second copy does not. */
    private static final int SMALL_MIB = 40;

    private AppProcess newApp() {
        // The machine's image directory (the default), not only the run's: a VM delete refuses while
        // any domain's chain cannot be read, and chains outside the storage directories are not read.
        String dirs = "-Dstrata.storage.dirs=/var/lib/libvirt/images" + (diskDir.equals(LibvirtHost.DIR) ? "" : "," + diskDir);
        String label = "faults-" + (starts++);
        return libvirtd == null ? new AppProcess(db, PORT, label, dirs)
                : new AppProcess(db, PORT, label, dirs, "-Dstrata.libvirt.uri=" + libvirtd.uri());
    }

    /** Fills the small storage up to its last few MiB, so that the job's writes hit ENOSPC. */
    private void fill() {
        Path filler = diskDir.resolve("filler.bin");
        Processes.run("dd", "if=/dev/zero", "of=" + filler, "bs=1M", "count=" + SMALL_MIB, "status=none");
        Processes.ok("truncate", "-s", "-6M", filler.toString()); // dd stopped at ENOSPC; give back 6 MiB
    }

    private void unfill() throws java.io.IOException {
        Files.deleteIfExists(diskDir.resolve("filler.bin"));
    }

    String vmPath(String vm) {
        return "/api/hosts/local/vms/" + vm;
    }

    /** Defines a shut-off TCG domain with one blank 64 MiB qcow2 disk, owned by admin; returns the disk. */
    String defineVm(String vm) throws Exception {
        return defineVm(vm, null, "64M");
    }

    /** The same with a qcow2 copy of {@code from} (null: blank) grown to {@code size}. */
    String defineVm(String vm, Path from, String size) throws Exception {
        Path disk = diskDir.resolve(vm + ".qcow2");
        if (from == null) {
            Processes.ok("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), size);
        } else {
            Processes.ok("qemu-img", "convert", "-O", "qcow2", from.toString(), disk.toString());
            Processes.ok("qemu-img", "resize", "-q", disk.toString(), size);
        }
        Path xml = LibvirtHost.DIR.resolve(vm + ".xml");
        Files.writeString(xml, VmBuilder.domainXml(vm, "admin", disk, "qcow2"));
        LibvirtHost.virsh("define", xml.toString());
        Files.delete(xml); // not an image, but keep the directory to the files Strata judges
        // The app learns of a domain defined behind its back through a sync of it.
        succeed("POST", vmPath(vm) + "/sync", null);
        return disk.toString();
    }

    /** Requests a job (202) and returns its id. */
    long job(String method, String path, String json) throws Exception {
        HttpResponse<String> r = app.call(method, path, json);
        if (r.statusCode() != 202) {
            throw new AssertionError(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        // {"jobId":n}, or a provision's batch {"jobIds":[n]}
        Matcher m = Pattern.compile("\"jobIds?\":\\[?(\\d+)").matcher(r.body());
        if (!m.find()) {
            throw new AssertionError(r.body());
        }
        return Long.parseLong(m.group(1));
    }

    /** Runs a job to SUCCEEDED (or fails with its error). */
    void succeed(String method, String path, String json) throws Exception {
        long id = job(method, path, json);
        String state = awaitFinal(id, 300);
        if (!state.equals("SUCCEEDED")) {
            throw new AssertionError(method + " " + path + ": job " + id + " " + state + ": "
                    + db.queryString("SELECT error FROM job WHERE id = ?", id));
        }
    }

    String awaitFinal(long jobId, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        String s = null;
        while (System.currentTimeMillis() < deadline) {
            s = db.queryString("SELECT state FROM job WHERE id = ?", jobId);
            if (s != null && !s.equals("QUEUED") && !s.equals("RUNNING")) {
                return s;
            }
            Thread.sleep(100);
        }
        return s;
    }

    /** One run: prepare, request, kill at a seeded moment of the job's window, restart, reconcile, check. */
    Run run(FaultKind kind, int n, long seed) throws Exception {
        Random random = new Random(seed);
        String vm = LibvirtHost.PREFIX + "f-" + kind.id.replace("snapshot-", "s-") + "-" + n;
        kind.setup(this, vm);
        List<String> filesBefore = new ArrayList<>(kind.files(this, vm));
        long killAfter = fault == Fault.ENOSPC ? 0 : (long) (random.nextDouble() * window(kind));
        if (fault == Fault.ENOSPC) {
            fill();
        }
        long jobId = kind.request(this, vm);
        long t0 = System.currentTimeMillis();
        Thread.sleep(Math.max(0, killAfter - (System.currentTimeMillis() - t0)));
        String atKill = db.queryString("SELECT state FROM job WHERE id = ?", jobId);
        boolean endedBefore = !"QUEUED".equals(atKill) && !"RUNNING".equals(atKill);
        long faultAt = System.currentTimeMillis();
        switch (fault) {
            case APP_KILL -> {
                app.kill();
                app = newApp().start();
            }
            case POSTGRES_RESTART -> postgres.restart(java.time.Duration.ofSeconds(3));
            case ENOSPC -> { }
            case LIBVIRTD_RESTART -> {
                libvirtd.kill();
                long down = 2000 + random.nextInt(4001);
                System.out.printf("fault: libvirtd killed %d ms into job %d (%s), restarted after %d ms%n",
                        faultAt - t0, jobId, atKill, down);
                Thread.sleep(down);
                libvirtd.start();
            }
        }
        // From the fault to the job's final state: for a kill, the app's boot and the reaper's wait included.
        String state = awaitFinal(jobId, kind.patienceSeconds());
        double reconcile = (System.currentTimeMillis() - faultAt) / 1000.0;
        System.out.printf("fault job %d %s: %s%n", jobId, state, db.queryString(
                "SELECT coalesce(error, result) FROM job WHERE id = ?", jobId));
        if (fault == Fault.ENOSPC) {
            unfill(); // an operator frees space; the checks then need some themselves
        }
        List<String> violations = new Invariants(this, kind, vm, jobId, state, filesBefore).check();
        if (fault == Fault.ENOSPC) {
            // The small storage holds one run's VM at a time.
            for (String d : kind.domains(vm)) {
                LibvirtHost.tryVirsh("destroy", d);
                LibvirtHost.tryVirsh("undefine", d, "--snapshots-metadata");
            }
            // (but the suite's template, sealed once, stays)
            Processes.ok("find", diskDir.toString(), "-mindepth", "1", "-not", "-name",
                    template == null ? "-" : Path.of(template.file()).getFileName().toString(), "-delete");
        }
        return new Run(kind, n, seed, killAfter, state, endedBefore, reconcile, violations);
    }

    private TemplateKinds.Sealed template;

    /** The template the provision and flatten kinds start from, sealed through the app on first use. */
    TemplateKinds.Sealed template() throws Exception {
        if (templateFailure != null) {
            throw new IllegalStateException("the suite's template could not be sealed", templateFailure);
        }
        if (template == null) {
            try {
                template = TemplateKinds.sealSuiteTemplate(this);
            } catch (Exception | AssertionError e) {
                templateFailure = e; // once: its VM and files are still in use
                throw e;
            }
        }
        return template;
    }

    private Throwable templateFailure;

    private final Map<FaultKind, Long> windows = new java.util.EnumMap<>(FaultKind.class);

    /**
     * How long the kind's job takes here, from request to its end, measured once on a VM of its
     * own without any fault: the kill moments are spread over that. (Under load a job's length
     * varies; a kill after its end still counts, as "ended before the kill".)
     */
    long window(FaultKind kind) throws Exception {
        Long w = windows.get(kind);
        if (w == null) {
            String vm = LibvirtHost.PREFIX + "cal-" + kind.id.replace("snapshot-", "s-");
            kind.setup(this, vm);
            long t0 = System.currentTimeMillis();
            long id = kind.request(this, vm);
            String state = awaitFinal(id, kind.patienceSeconds());
            w = System.currentTimeMillis() - t0;
            System.out.printf("fault calibration %s: %s in %d ms%n", kind.id, state, w);
            windows.put(kind, w);
        }
        return w;
    }

    /** A cleanup report through the app (the orphan rules of the hygiene issue); returns its items of sections 2 and 3. */
    List<Map<String, String>> reportItems() throws Exception {
        long id = job("POST", "/api/reports/cleanup", null);
        String state = awaitFinal(id, 300);
        if (!state.equals("SUCCEEDED")) {
            throw new AssertionError("cleanup report " + state + ": " + db.queryString("SELECT error FROM job WHERE id = ?", id));
        }
        List<Map<String, String>> out = new ArrayList<>();
        try (var c = db.connect(); var s = c.prepareStatement("SELECT i.section, i.item_key, i.summary,"
                + " coalesce(i.data->>'revertLeftover', 'false') FROM cleanup_report_item i JOIN cleanup_report r"
                + " ON r.id = i.report_id WHERE r.job_id = ? AND i.section IN (2, 3) ORDER BY i.id")) {
            s.setLong(1, id);
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    Map<String, String> m = new LinkedHashMap<>();
                    m.put("section", rs.getString(1));
                    m.put("key", rs.getString(2));
                    m.put("summary", rs.getString(3));
                    m.put("revertLeftover", rs.getString(4));
                    out.add(m);
                }
            }
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        try {
            app.stop();
        } finally {
            try {
                db.close();
            } finally {
                if (postgres != null) {
                    postgres.close();
                }
                if (libvirtd != null) {
                    libvirtd.close(); // its domains destroyed and undefined with it
                    LibvirtHost.useUri(null);
                }
            }
        }
    }

    /** Unmounts the small storage (after the domains using it are gone). */
    void unmountSmall() {
        if (!diskDir.equals(LibvirtHost.DIR)) {
            Processes.run("umount", "-l", diskDir.toString());
        }
    }
}
