package io.strata.web.i18n;

import io.quarkus.qute.i18n.Message;
import io.quarkus.qute.i18n.MessageBundle;

/** Cleanup reports and the template catalogue ({@code opsmsg:}); Chinese in messages/opsmsg_zh_TW.properties. */
@MessageBundle(value = "opsmsg", locale = "en")
public interface OpsMsg {

    // ---- report list
    @Message("Cleanup reports")
    String reports_heading();
    @Message("A cleanup report lists snapshots over the policy, partly merged snapshots and broken chains, orphan image files with their evidence, idle templates, failed jobs, the space snapshots hold, and what changed since the previous one. Nothing is removed automatically: each fix is a job someone asks for. Users see the items about their own VMs.")
    String reports_intro();
    @Message("Mail is not configured")
    String reports_no_mail();
    @Message("is unset): reports are stored here only.")
    String reports_no_mail_why();
    @Message("Make a report now")
    String reports_run();
    @Message("My mail address")
    String reports_my_mail();
    @Message("mail me my items of each report")
    String reports_mail_me();
    @Message("Report")
    String reports_report();
    @Message("Made")
    String reports_made();
    @Message("Policy")
    String reports_policy();
    @Message("Chains")
    String reports_chains();
    @Message("Orphans")
    String reports_orphans();
    @Message("Failed jobs")
    String reports_failed_jobs();
    @Message("Changes")
    String reports_changes();
    @Message("Mail")
    String reports_mail();
    @Message("No reports yet.")
    String reports_none();

    // ---- one report
    @Message("Cleanup report {id}")
    String report_title(Long id);
    @Message("Made {time} ({trigger}, by {by}); {state}.")
    String report_made(String time, String trigger, String by, String state);
    @Message("Compared with")
    String report_compared();
    @Message("report {id}")
    String report_ref(Long id);
    @Message("Only the items about your own VMs are shown.")
    String report_filtered();
    @Message("Export:")
    String report_export();
    @Message("Mail:")
    String report_mail();
    @Message("not sent yet")
    String report_not_sent();
    @Message("sent to those who asked for it")
    String report_sent();
    @Message("not configured; this report is stored only")
    String report_not_configured();
    @Message("{count}, first {shown} shown")
    String report_first_shown(long count, int shown);
    /** A section's title (ReportItem.SECTION_TITLES) by its number. */
    @Message("{title}")
    String report_section(Integer n, String title);
    @Message("Nothing.")
    String report_nothing();
    @Message("Item")
    String report_item();
    @Message("created by {creator}; reason: {reason}; age {age} d; lease {lease}; overlay {overlay} B;")
    String report_s1(String creator, String reason, String age, String lease, String overlay);
    @Message("{bytes} B, modified {mtime}, {format}")
    String report_s3(String bytes, String mtime, String format);
    @Message("backing file")
    String report_backing_file();
    @Message("{kind} by {actor}, ended {finished}:")
    String report_s5(String kind, String actor, String finished);
    @Message("{snapshots} snapshots, {overlay} B in overlays, merging the flagged frees up to {freed} B")
    String report_s6(String snapshots, String overlay, String freed);
    @Message("section {n}")
    String report_s7(String n);
    @Message("Merge / delete")
    String report_fix_delete();
    @Message("days")
    String report_days();
    @Message("why it is still needed")
    String report_why_needed();
    @Message("Extend lease")
    String report_extend();
    @Message("Delete this file? The job checks again that nothing uses it.")
    String report_confirm_orphan();
    @Message("Delete file")
    String report_delete_file();

    // ---- templates
    @Message("A template is a VM sealed with virt-sysprep: its images are read-only and it is never booted again.")
    String tpl_intro1();
    @Message("Thin")
    String tpl_thin_word();
    @Message("VMs are qcow2 overlays on the template image (made in milliseconds, they depend on it);")
    String tpl_intro2();
    @Message("clones")
    String tpl_clones_word();
    @Message("are full, independent copies. Operators make templates from a shut-off VM's page.")
    String tpl_intro3();
    @Message("Template")
    String tpl_template();
    @Message("Source VM")
    String tpl_source();
    @Message("Disk (virtual / on disk)")
    String tpl_disk();
    @Message("Sealed")
    String tpl_sealed();
    @Message("by {who}")
    String tpl_by(String who);
    @Message("Operations")
    String tpl_operations();
    @Message("Thin dependents")
    String tpl_dependents();
    @Message("Name (or pattern with")
    String tpl_name_pattern();
    @Message("Count")
    String tpl_count();
    @Message("Method")
    String tpl_method();
    @Message("thin (overlay)")
    String tpl_method_thin();
    @Message("full clone")
    String tpl_method_clone();
    @Message("optional, may use")
    String tpl_hostname_hint();
    @Message("optional: ssh-ed25519 AAAA…")
    String tpl_ssh_hint();
    @Message("start")
    String tpl_start();
    @Message("Provision")
    String tpl_provision();
    @Message("Delete this template and its images?")
    String tpl_confirm_delete();
    @Message("No templates yet.")
    String tpl_none();
}
