package io.strata.web.i18n;

import io.quarkus.qute.i18n.Message;
import io.quarkus.qute.i18n.MessageBundle;

/**
 * The layout, words every page uses, login, the error page, the dashboard, administration and the
 * snapshot policy ({@code msg:}). English here; Traditional Chinese in messages/msg_zh_TW.properties.
 * Messages carry no HTML and are escaped like any value; the markup stays in the templates.
 */
@MessageBundle(value = "msg", locale = "en")
public interface Msg {

    // ---- layout
    @Message("VMs")
    String nav_vms();
    @Message("Templates")
    String nav_templates();
    @Message("Jobs")
    String nav_jobs();
    @Message("Reports")
    String nav_reports();
    @Message("Audit")
    String nav_audit();
    @Message("Admin")
    String nav_admin();
    @Message("log out")
    String logout();
    @Message("home")
    String home();
    @Message("Language")
    String language();

    // ---- common words
    @Message("Filter")
    String filter();
    @Message("any")
    String any();
    @Message("Host")
    String host();
    @Message("VM")
    String vm();
    @Message("Name")
    String name();
    @Message("State")
    String state();
    @Message("Kind")
    String kind();
    @Message("Target")
    String target();
    @Message("Progress")
    String progress();
    @Message("By")
    String by();
    @Message("Created")
    String created();
    @Message("Owner")
    String owner();
    @Message("Health")
    String health();
    @Message("Age")
    String age();
    @Message("Lease")
    String lease();
    @Message("Overlay")
    String overlay();
    @Message("Job")
    String job();
    @Message("Time")
    String time();
    @Message("Outcome")
    String outcome();
    @Message("Details")
    String details();
    @Message("Save")
    String save();
    @Message("Delete")
    String delete();
    @Message("none")
    String none();
    @Message("optional")
    String optional();
    @Message("Hostname")
    String hostname();
    @Message("SSH key for root")
    String ssh_key_root();
    @Message("Snapshots")
    String snapshots();
    @Message("Memory")
    String memory();
    @Message("Result / error")
    String result_error();
    @Message("ok")
    String health_ok();
    @Message("warn")
    String health_warn();
    @Message("critical")
    String health_critical();

    // ---- login
    @Message("Log in")
    String login_title();
    @Message("Wrong user name or password.")
    String login_failed();
    @Message("User")
    String login_user();
    @Message("Password")
    String password();

    // ---- error page
    @Message("Error")
    String error_title();
    @Message("Bad request")
    String error_400();
    @Message("Not allowed")
    String error_403();
    @Message("Not found")
    String error_404();
    @Message("Not possible now")
    String error_409();
    @Message("Internal error")
    String error_500();
    @Message("The host answered with an error")
    String error_502();
    @Message("The host is unavailable")
    String error_503();
    @Message("In English, as Strata recorded it:")
    String error_original();
    @Message("Back to the VMs")
    String error_back();

    // ---- dashboard
    @Message("Dashboard")
    String dash_title();
    @Message("Snapshot health")
    String dash_heading();
    @Message("VMs (worst of their snapshots)")
    String dash_vms_worst();
    @Message("Overlays hold {bytes} in all. Snapshots are not backups: keep them few and short-lived.")
    String dash_overlays(String bytes);
    @Message("All VMs")
    String dash_all_vms();
    @Message("policy")
    String dash_policy();
    @Message("Worst offenders")
    String dash_worst();
    @Message("Snapshot")
    String dash_snapshot();
    @Message("Creator · reason")
    String creator_reason();
    @Message("Why")
    String dash_why();
    @Message("No snapshot breaks the policy.")
    String dash_none();
    @Message("Snapshot ages")
    String dash_ages();
    @Message("snapshots by age")
    String dash_ages_label();
    @Message("Bytes held by overlays")
    String dash_bytes();
    @Message("Per host")
    String dash_per_host();
    @Message("Per owner")
    String dash_per_owner();
    @Message("overlay bytes per host")
    String dash_bytes_host_label();
    @Message("overlay bytes per owner")
    String dash_bytes_owner_label();
    @Message("no overlays")
    String chart_empty();

    // ---- administration
    @Message("Administration")
    String admin_heading();
    @Message("Snapshot policy")
    String admin_policy_link();
    @Message("(age, count, chain depth, overlay size, leases)")
    String admin_policy_what();
    @Message("Users")
    String admin_users();
    @Message("Roles")
    String admin_roles();
    @Message("User name")
    String admin_username();
    @Message("Create user")
    String admin_create_user();
    @Message("Hosts")
    String admin_hosts();
    @Message("Add host")
    String admin_add_host();
    @Message("Hosts can also come from STRATA_HOSTS=name=uri,… or")
    String admin_hosts_note();

    // ---- snapshot policy
    @Message("Every snapshot is checked against it (health ok, warn, critical); the scan records each crossing once as a snapshot.warning audit event. Nothing is ever deleted automatically. Changes are audited with the old and new values.")
    String policy_intro();
    @Message("Age: warn after")
    String policy_age_warn();
    @Message("Age: critical after")
    String policy_age_critical();
    @Message("days (also every snapshot's first lease)")
    String policy_days_first_lease();
    @Message("days")
    String policy_days();
    @Message("Snapshots per VM: warn above")
    String policy_count_warn();
    @Message("Snapshots per VM: critical above")
    String policy_count_critical();
    @Message("External chain depth: critical above")
    String policy_depth();
    @Message("Overlay size: warn above")
    String policy_overlay();
    @Message("% of its image's virtual size")
    String policy_overlay_unit();
    @Message("Running on an old snapshot")
    String policy_running_old();
    @Message("critical when a running VM's current snapshot is older than the critical age")
    String policy_running_old_text();
    @Message("Lease maximum")
    String policy_lease_max();
    @Message("days from the extension")
    String policy_lease_unit();
    @Message("Save policy")
    String policy_save();
    @Message("VMs with their own values")
    String policy_overrides();
    @Message("Overrides")
    String policy_overrides_col();
    @Message("None: every VM follows the global policy.")
    String policy_no_overrides();

    // ---- words that come from libvirt and the job table: English as they are, translated in the other bundles
    @Message("{state}")
    String vm_state(String state);
    @Message("{state}")
    String job_state(String state);
    @Message("{outcome}")
    String outcome_name(String outcome);
    @Message("{health}")
    String health_name(String health);
}
