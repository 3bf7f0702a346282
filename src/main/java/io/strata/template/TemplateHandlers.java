package io.strata.template;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.imagetool.GuestTools;
import io.strata.imagetool.ImageFiles;
import io.strata.imagetool.QemuImg;
import io.strata.job.JobCancelled;
import io.strata.job.JobContext;
import io.strata.job.JobFailure;
import io.strata.job.JobHandler;
import io.strata.job.JobKind;
import io.strata.kernel.Cancelled;
import io.strata.libvirt.DiskInfo;
import io.strata.libvirt.DomainSummary;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.LibvirtSnapshots;
import io.strata.libvirt.StrataMetadata;
import io.strata.libvirt.Xml;

/** Template jobs: seal a VM into a template, delete a template. */
public final class TemplateHandlers {

    private TemplateHandlers() {
    }

    /** {@code <dir>/template-<vm>.<ext>} for the first disk, {@code template-<vm>-<target>.<ext>} for others. */
    static String sealedPath(String file, String templateName, String target, boolean first, String format) {
        String ext = "raw".equals(format) ? "img" : "qcow2";
        return Path.of(file).resolveSibling(templateName + (first ? "" : "-" + target) + "." + ext).toString();
    }

    /** A Windows guest per the libosinfo id libvirt keeps in the domain's metadata. */
    static boolean isWindows(Document definition) {
        for (Element e : Xml.elements(definition, "/domain/metadata/*/*")) {
            if ("os".equals(e.getLocalName()) && e.getAttribute("id").contains("microsoft.com/win")) {
                return true;
            }
        }
        return false;
    }

    @ApplicationScoped
    public static class Create implements JobHandler {
        @Inject
        LibvirtGateway gateway;
        @Inject
        LibvirtSnapshots domainSnapshots;
        @Inject
        QemuImg qemuImg;
        @Inject
        ImageFiles files;
        @Inject
        GuestTools guestTools;

        @Override
        public JobKind kind() {
            return JobKind.TEMPLATE_CREATE;
        }

        @Override
        public Class<SealPayload> payloadType() {
            return SealPayload.class;
        }

        @Override
        public String run(JobContext ctx) {
            String host = ctx.host();
            String vm = ctx.vm();
            String name = ctx.target();
            DomainSummary d = gateway.describe(host, vm);
            String problem = SealChecks.sealProblem(d, !domainSnapshots.snapshots(host, vm).isEmpty());
            if (problem != null) {
                throw new JobFailure(problem);
            }
            Document definition = Xml.parse(gateway.definition(host, vm));
            boolean windows = isWindows(definition);
            List<DiskInfo> disks = d.disks().stream().filter(x -> "disk".equals(x.device()) && x.file() != null).toList();
            List<Template.Disk> sealed = new ArrayList<>();
            for (int i = 0; i < disks.size(); i++) {
                DiskInfo x = disks.get(i);
                String path = sealedPath(x.file(), name, x.target(), i == 0, x.format());
                if (files.exists(path)) {
                    throw new JobFailure("file " + path + " already exists; remove it or rename the VM");
                }
                sealed.add(new Template.Disk(x.target(), path, x.format(), x.chain().get(0).virtualSize(), 0));
            }
            List<GuestTools.Image> targets = new ArrayList<>();
            if (windows) {
                // Windows: sysprep runs on a copy, so the source VM stays usable.
                ctx.log("Windows guest (libosinfo): copying the disks first, the source VM is left as it is");
                JobContext.Band copying = ctx.band(5, 35);
                for (int i = 0; i < disks.size(); i++) {
                    DiskInfo x = disks.get(i);
                    String to = sealed.get(i).file();
                    JobContext.Band disk = copying.part(i, disks.size());
                    qemuImg.convert(x.file(), x.format(), to, x.format(), f -> disk.progress(f, "copying " + x.target()),
                            ctx::cancelRequested);
                    targets.add(new GuestTools.Image(to, x.format()));
                }
            } else {
                disks.forEach(x -> targets.add(new GuestTools.Image(x.file(), x.format())));
            }
            ctx.checkCancelled();
            SealPayload payload = ctx.payload(SealPayload.class);
            String ops = payload.operations();
            ctx.progress(windows ? 40 : 10, "virt-sysprep --operations " + ops);
            AtomicInteger steps = new AtomicInteger();
            List<String> keys = payload.sshKeys();
            try {
                guestTools.sysprep(targets, ops, payload.hostname(), keys, line -> {
                    if (line.startsWith("[")) {
                        ctx.log(line.strip());
                        if (line.contains("Performing")) {
                            ctx.progress(Math.min(85, (windows ? 40 : 10) + steps.incrementAndGet() * 2), line.strip());
                        }
                    }
                }, ctx::cancelRequested);
            } catch (Cancelled e) {
                if (windows) {
                    sealed.forEach(s -> files.removeQuietly(s.file()));
                }
                throw new JobCancelled("cancelled during virt-sysprep" + (windows
                        ? "; the copies were removed, the source VM is untouched"
                        : "; some operations may already have changed " + vm + "'s disks, which is left defined"));
            }
            ctx.progress(90, "sealing");
            List<Template.Disk> done = new ArrayList<>();
            for (int i = 0; i < disks.size(); i++) {
                Template.Disk s = sealed.get(i);
                if (!windows) {
                    files.move(disks.get(i).file(), s.file());
                }
                files.makeReadOnly(s.file());
                done.add(new Template.Disk(s.target(), s.file(), s.format(), s.virtualSize(), files.fileBytes(s.file())));
                ctx.log(s.target() + ": sealed image " + s.file() + " (read-only)");
            }
            Template t = new Template();
            t.host = host;
            t.name = name;
            t.sourceVm = vm;
            t.domainXml = templateDefinition(definition, name, done, ctx.actor());
            t.diskList(done);
            t.operations = ops;
            t.os = windows ? "windows" : "linux";
            t.createdBy = ctx.actor();
            t.sealedAt = Instant.now();
            QuarkusTransaction.requiringNew().run(t::persist);
            if (!windows) {
                undefineSource(host, vm);
                ctx.log(vm + " undefined: the template cannot be started, by Strata or by virsh");
            }
            return "template " + name + " sealed from " + vm + " (" + done.size() + " image(s), read-only)";
        }

        /**
         * The template is recorded and the disks renamed: the source's definition must go even if
         * libvirtd restarts just now (it would name files that are gone, and a FAILED job is not
         * reconciled). Whether it is still defined is asked again once libvirtd answers, since it
         * may have undefined it before dying.
         */
        private void undefineSource(String host, String vm) {
            gateway.readWaiting(host, "undefining " + vm, () -> {
                if (gateway.exists(host, vm)) {
                    gateway.undefine(host, vm);
                }
                return null;
            });
        }

        /**
         * The definition kept for provisioning: renamed, no UUID, disks on the sealed images, and
         * no console password: the definition was read with its secrets, and every VM made from
         * the template (by any user) would otherwise open with the source owner's VNC/SPICE password.
         */
        static String templateDefinition(Document definition, String name, List<Template.Disk> disks, String actor) {
            Xml.elements(definition, "/domain/name").get(0).setTextContent(name);
            for (Element uuid : Xml.elements(definition, "/domain/uuid")) {
                uuid.getParentNode().removeChild(uuid);
            }
            for (Element graphics : Xml.elements(definition, "/domain/devices/graphics")) {
                graphics.removeAttribute("passwd");
                graphics.removeAttribute("passwdValidTo");
            }
            for (Template.Disk s : disks) {
                for (Element disk : Xml.elements(definition, "/domain/devices/disk")) {
                    if (s.target().equals(Xml.string(disk, "target/@dev"))) {
                        Xml.elements(disk, "source").get(0).setAttribute("file", s.file());
                        for (Element b : Xml.elements(disk, "backingStore")) {
                            disk.removeChild(b);
                        }
                    }
                }
            }
            new StrataMetadata(actor, true).writeInto(definition);
            return Xml.serialize(definition);
        }

        @Override
        public String reconcile(JobContext ctx) {
            boolean recorded = QuarkusTransaction.requiringNew().call(() -> Template.find(ctx.host(), ctx.target()).isPresent());
            boolean defined = gateway.exists(ctx.host(), ctx.vm());
            if (recorded && defined) {
                gateway.undefine(ctx.host(), ctx.vm());
                return "template " + ctx.target() + " was recorded; " + ctx.vm() + " is now undefined: sealing completed";
            }
            if (recorded) {
                return "template " + ctx.target() + " is sealed";
            }
            return "no template was recorded; virt-sysprep may have changed " + ctx.vm() + "'s disks, which is left defined"
                    + (defined ? undoRenames(ctx) : "");
        }

        /**
         * A worker that died between renaming the disks and recording the template left the VM
         * naming files that are gone (or that have a second, template- name) and images no template
         * records: each is renamed back, so the VM reads its own disks again; an unfinished copy of
         * a Windows seal goes.
         */
        private String undoRenames(JobContext ctx) {
            List<DiskInfo> disks = gateway.describe(ctx.host(), ctx.vm()).disks().stream()
                    .filter(x -> "disk".equals(x.device()) && x.file() != null).toList();
            // Names can meet: VM a's vdb and VM a-vdb's vda are both sealed as template-a-vdb.qcow2.
            // Another template's image is never renamed or removed on a guess.
            Map<String, String> recorded = new HashMap<>();
            QuarkusTransaction.requiringNew().call(() -> Template.<Template>list("host", ctx.host()))
                    .forEach(t -> t.diskList().forEach(d -> recorded.put(d.file(), t.name)));
            List<String> done = new ArrayList<>();
            for (int i = 0; i < disks.size(); i++) {
                DiskInfo x = disks.get(i);
                String sealed = sealedPath(x.file(), ctx.target(), x.target(), i == 0, x.format());
                if (!files.exists(sealed)) {
                    continue;
                }
                if (recorded.containsKey(sealed)) {
                    done.add("left " + sealed + ": it is template " + recorded.get(sealed) + "'s image");
                    continue;
                }
                if (!files.exists(x.file())) {
                    files.makeWritable(sealed);
                    files.move(sealed, x.file());
                    done.add("renamed " + sealed + " back to " + x.file());
                } else if (files.sameFile(sealed, x.file())) {
                    files.makeWritable(x.file());
                    files.remove(sealed);
                    done.add("removed " + sealed + ", a second name of " + x.file());
                } else if (ctx.startedAt() != null && ImageFiles.writtenSince(sealed, ctx.startedAt())) {
                    files.remove(sealed);
                    done.add("removed the unfinished copy " + sealed);
                }
            }
            return done.isEmpty() ? "" : "; " + String.join(", ", done);
        }
    }

    @ApplicationScoped
    public static class Delete implements JobHandler {
        @Inject
        TemplateService templates;
        @Inject
        ImageFiles files;

        @Override
        public JobKind kind() {
            return JobKind.TEMPLATE_DELETE;
        }

        @Override
        public String run(JobContext ctx) {
            Template t = QuarkusTransaction.requiringNew().call(() -> Template.find(ctx.host(), ctx.target()))
                    .orElseThrow(() -> new JobFailure("template " + ctx.target() + " is gone"));
            List<String> dependents = templates.dependentsNow(t);
            if (!dependents.isEmpty()) {
                throw new JobFailure("template " + t.name + " has thin dependents now: " + String.join(", ", dependents));
            }
            QuarkusTransaction.requiringNew().run(() -> Template.delete("id", t.id));
            for (Template.Disk d : t.diskList()) {
                if (files.exists(d.file())) {
                    files.makeWritable(d.file());
                    files.remove(d.file());
                    ctx.log("removed " + d.file());
                }
            }
            return "template " + t.name + " deleted";
        }
    }
}
