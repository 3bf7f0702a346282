package io.strata.web.i18n;

import io.quarkus.qute.i18n.Message;
import io.quarkus.qute.i18n.MessageBundle;

/** The VM list and a VM's page ({@code vmmsg:}); Chinese in messages/vmmsg_zh_TW.properties. */
@MessageBundle(value = "vmmsg", locale = "en")
public interface VmMsg {

    // ---- list
    @Message("Virtual machines")
    String list_heading();
    @Message("Refresh from libvirt")
    String refresh();
    @Message("vCPUs")
    String vcpus();
    @Message("Disks")
    String disks();
    @Message("Synced")
    String synced();
    @Message("template")
    String template_badge();
    @Message("job {id}")
    String job_ref(Long id);
    @Message("No VMs you may see on this host.")
    String list_none();
    @Message("VMs {from}–{to} of {total}")
    String page_range(int from, int to, int total);
    @Message("previous page")
    String page_prev();
    @Message("next page")
    String page_next();
    @Message("page {page} of {pages}")
    String page_of(int page, int pages);

    // ---- page header and facts
    @Message("sealed template")
    String sealed_template();
    @Message("snapshot health: the worst of its snapshots'")
    String health_title();
    @Message("— (operators and admins only)")
    String no_owner();
    @Message("Guest agent")
    String guest_agent();
    @Message("answers")
    String agent_answers();
    @Message("(quiesced snapshots and agent shutdown work)")
    String agent_answers_why();
    @Message("does not answer")
    String agent_silent();
    @Message("(not running, not installed, or the VM is off)")
    String agent_silent_why();

    // ---- power
    @Message("Start")
    String start();
    @Message("ask the guest to shut down (ACPI power button or guest agent) and wait until it is shut off")
    String shutdown_title();
    @Message("wait")
    String wait_for();
    @Message("power it off when it has not shut down by then")
    String force_title();
    @Message("then force off")
    String then_force_off();
    @Message("Shut down")
    String shutdown();
    @Message("Reboot")
    String reboot();
    @Message("pause the VM's CPUs; its memory stays")
    String pause_title();
    @Message("Pause")
    String pause();
    @Message("Resume")
    String resume();
    @Message("Force this VM off at once? Like pulling the plug: unsaved data in the guest is lost.")
    String confirm_destroy();
    @Message("power off at once (virsh destroy)")
    String destroy_title();
    @Message("Force off")
    String destroy();
    @Message("Copy the backing data into this VM's own disks (it will no longer depend on its template)?")
    String confirm_flatten();
    @Message("make it independent of its template or backing image")
    String flatten_title();
    @Message("Flatten")
    String flatten();
    @Message("Active job:")
    String active_job();
    @Message("Assign owner")
    String assign_owner();
    @Message("Assign")
    String assign();

    // ---- disks
    @Message("Device")
    String device();
    @Message("Format")
    String format();
    @Message("Backing chain (top first): file · format · virtual · allocated")
    String chain_header();
    @Message("{count} internal snapshot(s)")
    String internal_snapshots(int count);
    @Message("qemu-img check of every image in the chain")
    String check_title();
    @Message("Check")
    String check();
    @Message("internal snapshots cannot survive a conversion")
    String lose_title();
    @Message("lose snapshots")
    String lose_snapshots();
    @Message("Convert to {format}")
    String convert_to(String format);

    // ---- snapshot tree
    @Message("Order:")
    String order();
    @Message("tree")
    String order_tree();
    @Message("newest first")
    String order_newest();
    @Message("Saved state")
    String saved_state();
    @Message("Files (data → overlay)")
    String files_header();
    @Message("Overlay holds")
    String overlay_holds();
    @Message("Description")
    String description();
    @Message("(current)")
    String current();
    @Message("partly merged: delete it to finish")
    String partly_merged();
    @Message("recorded {crossing} {ago}")
    String recorded(Object crossing, String ago);
    @Message("(extended)")
    String extended();
    @Message("days from now")
    String days_from_now();
    @Message("d")
    String days_unit();
    @Message("why")
    String why();
    @Message("Extend")
    String extend();
    @Message("Revert to this snapshot? Changes made since it are lost.")
    String confirm_revert();
    @Message("shut the VM down gracefully first, in the same job")
    String shutdown_first_title();
    @Message(" (an external revert needs it shut off)")
    String shutdown_first_external();
    @Message("shut down first")
    String shutdown_first();
    @Message("power it off when it has not shut down by then (unsaved data in the guest is lost)")
    String force_revert_title();
    @Message("start after")
    String start_after();
    @Message("an external revert needs the VM shut off")
    String external_revert_title();
    @Message("Revert")
    String revert();
    @Message("Delete this snapshot? Its overlay is merged into its image first.")
    String confirm_delete_external();
    @Message("Delete this snapshot?")
    String confirm_delete();
    @Message("Delete (merge)")
    String delete_merge();
    @Message("No snapshots.")
    String no_snapshots();
    @Message("Merge the whole chain into the base image and clear the snapshot list? All snapshots are gone afterwards.")
    String confirm_merge_all();
    @Message("Merge all into the base image")
    String merge_all();
    @Message("commits every overlay into the base, points the VM at it, clears the snapshot list and removes the overlay files")
    String merge_all_what();

    // ---- new snapshot
    @Message("New snapshot")
    String new_snapshot();
    @Message("letters, digits, '.', '_' and '-'")
    String name_rule();
    @Message("external (disk-only overlay files beside the disks; advised)")
    String kind_external();
    @Message("internal (inside the qcow2 images; a running VM's memory too, and it pauses meanwhile)")
    String kind_internal();
    @Message("Reason")
    String reason();
    @Message("why keep it (shown with its age warnings)")
    String reason_hint();
    @Message("pause the VM while the snapshot is taken")
    String pause_while();
    @Message("quiesce (external only; needs the QEMU guest agent")
    String quiesce();
    @Message(", which answers)")
    String quiesce_answers();
    @Message(", which does not answer now)")
    String quiesce_silent();
    @Message("A snapshot is not a backup: it lives on the same storage as the VM, and losing that storage loses both. I/O-heavy VMs (databases, build hosts) are better snapshotted shut off or paused — tick \"pause\" above. Quiesce freezes the guest's filesystems through the QEMU guest agent; without the agent the snapshot fails rather than silently becoming crash-consistent. External snapshots grow a chain of overlay files: delete (merge) them or \"merge all\" when done, and revert needs the VM shut off (the revert can shut it down and start it again). An internal snapshot of a running VM saves its memory ({mib} MiB here): the VM is paused while it is written, for a time that grows with its RAM.")
    String snapshot_advice(long mib);
    @Message("Create snapshot")
    String create_snapshot();

    // ---- template
    @Message("Make a template")
    String make_template();
    @Message("Seal this VM into template-{vm}? virt-sysprep changes its disks and the VM is undefined: it is never booted again.")
    String confirm_seal(String vm);
    @Message("virt-sysprep operations")
    String sysprep_operations();
    @Message("comma list; '-name' removes one")
    String sysprep_operations_title();
    @Message("Seals the VM as template-{vm}: virt-sysprep resets machine-id, SSH host keys, logs and more; the images become read-only and the domain is undefined (Strata keeps its definition), so neither Strata nor virsh start can boot it. A Windows VM is copied first and the copy sealed, so the VM stays usable.")
    String seal_advice(String vm);
    @Message("Seal into a template")
    String seal();

    // ---- clone and delete
    @Message("Clone or delete")
    String clone_or_delete();
    @Message("New name")
    String new_name();
    @Message("virt-sysprep machine-id and ssh-hostkeys on the clone: a different machine on the network")
    String reset_title();
    @Message("reset machine identity")
    String reset();
    @Message("start it")
    String start_it();
    @Message("Clone")
    String clone();
    @Message("every disk is copied into an independent image (external snapshots flattened); new UUID and MACs; you own the clone")
    String clone_what();
    @Message("Shut the VM down or pause it to clone it.")
    String clone_needs_off();
    @Message("Delete {vm}? Its snapshots and its definition are removed; with 'and its disks' ticked, the image files only it uses go too and its data is gone.")
    String confirm_delete_vm(String vm);
    @Message("and its disks")
    String and_disks();
    @Message("it is {state}: force it off first")
    String force_first_title(String state);
    @Message("force off first")
    String force_first();

    // ---- recent jobs
    @Message("Recent jobs")
    String recent_jobs();
    @Message("Timeline")
    String timeline();
    @Message(": every job and audit event of this VM, with what each job changed.")
    String timeline_what();
    @Message("No jobs yet.")
    String no_jobs();
}
