package io.strata.provision;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.imagetool.BackingChains;
import io.strata.imagetool.GuestTools;
import io.strata.imagetool.ImageFiles;
import io.strata.imagetool.QemuImg;
import io.strata.imagetool.TemplateOverlays;
import io.strata.job.JobCancelled;
import io.strata.job.JobContext;
import io.strata.job.JobFailure;
import io.strata.job.JobHandler;
import io.strata.job.JobKind;
import io.strata.kernel.Cancelled;
import io.strata.libvirt.DiskInfo;
import io.strata.libvirt.DomainState;
import io.strata.libvirt.DomainSummary;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.StrataMetadata;
import io.strata.libvirt.Xml;
import io.strata.template.Template;

/** Provisioning jobs (thin overlay or full clone of a template) and flattening a thin VM. */
public final class ProvisionHandlers {

    private ProvisionHandlers() {
    }

    /** The new VM's disk files: {@code <template dir>/<vm>.qcow2}, {@code <vm>-<target>.qcow2} for further disks. */
    static String diskPath(Template.Disk d, String vm, boolean first, String format) {
        String ext = "raw".equals(format) ? "img" : "qcow2";
        return Path.of(d.file()).resolveSibling(vm + (first ? "" : "-" + d.target()) + "." + ext).toString();
    }

    /** Provisions one VM; the two methods differ only in how each disk is made. */
    abstract static class Provision implements JobHandler {
        @Inject
        LibvirtGateway gateway;
        @Inject
        QemuImg qemuImg;
        @Inject
        BackingChains chains;
        @Inject
        ImageFiles files;
        @Inject
        GuestTools guestTools;
        @Inject
        TemplateOverlays overlays;

        abstract boolean thin();

        @Override
        public Class<ProvisionPayload> payloadType() {
            return ProvisionPayload.class;
        }

        @Override
        public String run(JobContext ctx) {
            String host = ctx.host();
            String vm = ctx.vm();
            ProvisionPayload payload = ctx.payload(ProvisionPayload.class);
            Template t = QuarkusTransaction.requiringNew().call(() -> Template.find(host, payload.template()))
                    .orElseThrow(() -> new JobFailure("template " + payload.template() + " is gone"));
            // The worker read the VM's name on the host just before (its change record): that answer,
            // taken after the wait in the queue, is the re-check of the request's.
            boolean exists = ctx.atStart() != null ? ctx.atStart().domain() != null : gateway.exists(host, vm);
            if (exists) {
                throw new JobFailure("a VM named " + vm + " exists now; nothing was created");
            }
            List<Template.Disk> disks = t.diskList();
            List<String> made = new ArrayList<>();
            List<String[]> fileAndFormat = new ArrayList<>();
            boolean defined = false;
            JobContext.Band copying = ctx.band(5, 75);
            try {
                for (int i = 0; i < disks.size(); i++) {
                    Template.Disk d = disks.get(i);
                    String format = thin() ? "qcow2" : d.format();
                    String path = diskPath(d, vm, i == 0, format);
                    if (thin()) {
                        overlays.create(path, d.file(), d.format());
                        knowChain(d);
                        chains.rememberOverlay(path, d.file(), d.format());
                        made.add(path);
                        ctx.log(d.target() + ": overlay " + path + " on " + d.file() + " (" + d.format() + ", read-only)");
                    } else if (files.reflinkCopy(d.file(), path)) {
                        made.add(path);
                        files.makeWritable(path);
                        ctx.log(d.target() + ": reflink copy " + path);
                    } else {
                        qemuImg.convert(d.file(), d.format(), path, format,
                                copying.part(i, disks.size()).percent(d.target() + ": copying"), ctx::cancelRequested);
                        made.add(path);
                        files.makeWritable(path);
                        ctx.log(d.target() + ": full copy " + path + " (qemu-img convert)");
                    }
                    fileAndFormat.add(new String[] { d.target(), path, format });
                }
                String hostname = payload.hostname();
                String sshKey = payload.sshKey();
                if (hostname != null || sshKey != null) {
                    ctx.progress(80, "customising the new disk (virt-customize)");
                    guestTools.customize(new GuestTools.Image(fileAndFormat.get(0)[1], fileAndFormat.get(0)[2]), hostname,
                            sshKey, line -> {
                                if (line.startsWith("[")) {
                                    ctx.log(line.strip());
                                }
                            });
                }
                ctx.checkCancelled();
                ctx.progress(90, "defining " + vm);
                gateway.define(host, definition(t, vm, fileAndFormat, ctx.actor()));
                defined = true;
                if (payload.start()) {
                    gateway.start(host, vm);
                }
            } catch (RuntimeException e) {
                if (defined) {
                    gateway.undefine(host, vm);
                }
                made.forEach(files::removeQuietly);
                ctx.log("nothing of " + vm + " was kept");
                if (e instanceof Cancelled) {
                    throw new JobCancelled("cancelled; nothing of " + vm + " was kept");
                }
                throw e;
            }
            return "VM " + vm + " provisioned (" + (thin() ? "thin" : "full clone") + ") from " + t.name
                    + (payload.start() ? ", started" : "");
        }

        /**
         * Reads the template image's chain (cached after the first VM of a template: a stat per
         * file), so that {@link BackingChains#rememberOverlay} knows the new overlay's chain and the
         * reading after the job costs no {@code qemu-img info} process. Unreadable: the reading
         * after the job reads it itself and records why not.
         */
        private void knowChain(Template.Disk d) {
            try {
                chains.of(d.file(), d.format());
            } catch (RuntimeException e) {
                // only a shortcut
            }
        }

        /** The template's definition for the new VM: its name, new UUID and MACs (libvirt makes them), its disks, its owner. */
        static String definition(Template t, String vm, List<String[]> disks, String owner) {
            return definition(t.domainXml, vm, disks, owner);
        }

        /**
         * Any domain definition for a new VM: its name, no UUID, MACs or NVRAM (libvirt makes new
         * ones), its disks (target, file, format) without a stale backingStore, its owner.
         */
        static String definition(String domainXml, String vm, List<String[]> disks, String owner) {
            Document xml = Xml.parse(domainXml);
            Xml.elements(xml, "/domain/name").get(0).setTextContent(vm);
            for (String path : List.of("/domain/uuid", "/domain/devices/interface/mac", "/domain/os/nvram")) {
                for (Element e : Xml.elements(xml, path)) {
                    e.getParentNode().removeChild(e);
                }
            }
            for (String[] d : disks) {
                for (Element disk : Xml.elements(xml, "/domain/devices/disk")) {
                    if (d[0].equals(Xml.string(disk, "target/@dev"))) {
                        Xml.elements(disk, "source").get(0).setAttribute("file", d[1]);
                        Xml.elements(disk, "driver").get(0).setAttribute("type", d[2]);
                        for (Element b : Xml.elements(disk, "backingStore")) {
                            disk.removeChild(b);
                        }
                    }
                }
            }
            new StrataMetadata(owner, false).writeInto(xml);
            return Xml.serialize(xml);
        }

        @Override
        public String reconcile(JobContext ctx) {
            if (gateway.exists(ctx.host(), ctx.vm())) {
                return "VM " + ctx.vm() + " exists: it was defined before the worker stopped";
            }
            Template t = QuarkusTransaction.requiringNew().call(() -> Template.find(ctx.host(), ctx.payload(ProvisionPayload.class).template())).orElse(null);
            List<String> removed = new ArrayList<>();
            if (t != null) {
                List<Template.Disk> disks = t.diskList();
                for (int i = 0; i < disks.size(); i++) {
                    String path = diskPath(disks.get(i), ctx.vm(), i == 0, thin() ? "qcow2" : disks.get(i).format());
                    if (files.exists(path)) {
                        files.removeQuietly(path);
                        removed.add(path);
                    }
                }
            }
            return "VM " + ctx.vm() + " was not defined; " + (removed.isEmpty() ? "no file was left"
                    : "removed its unfinished files " + String.join(", ", removed));
        }
    }

    @ApplicationScoped
    public static class Thin extends Provision {
        @Override
        public JobKind kind() {
            return JobKind.PROVISION_THIN;
        }

        @Override
        boolean thin() {
            return true;
        }
    }

    @ApplicationScoped
    public static class Clone extends Provision {
        @Override
        public JobKind kind() {
            return JobKind.PROVISION_CLONE;
        }

        @Override
        boolean thin() {
            return false;
        }
    }

    /** Copies what each disk reads from its backing chain into the disk itself (qemu-img rebase -b ""). */
    @ApplicationScoped
    public static class Flatten implements JobHandler {
        @Inject
        LibvirtGateway gateway;
        @Inject
        QemuImg qemuImg;

        @Override
        public JobKind kind() {
            return JobKind.VM_FLATTEN;
        }

        @Override
        public String run(JobContext ctx) {
            DomainSummary d = gateway.describe(ctx.host(), ctx.vm());
            if (d.state() != DomainState.SHUT_OFF) {
                throw new JobFailure(ctx.vm() + " is " + d.state().label() + "; shut it down to flatten it");
            }
            List<String> done = new ArrayList<>();
            List<DiskInfo> backed = d.disks().stream().filter(x -> x.chain().size() > 1).toList();
            JobContext.Band copying = ctx.band(5, 95);
            for (int i = 0; i < backed.size(); i++) {
                DiskInfo x = backed.get(i);
                ctx.log(x.target() + ": copying from " + x.chain().get(1).file() + " into " + x.file());
                qemuImg.flatten(x.file(), copying.part(i, backed.size()).percent(x.target() + ":"), ctx::cancelRequested);
                done.add(x.target());
            }
            return ctx.vm() + " is independent: " + String.join(", ", done) + " no longer read(s) a backing file";
        }
    }
}
