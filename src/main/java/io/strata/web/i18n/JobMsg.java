package io.strata.web.i18n;

import io.quarkus.qute.i18n.Message;
import io.quarkus.qute.i18n.MessageBundle;

/** Jobs, batches, timelines and the audit log ({@code jobmsg:}); Chinese in messages/jobmsg_zh_TW.properties. */
@MessageBundle(value = "jobmsg", locale = "en")
public interface JobMsg {

    // ---- job list
    @Message("No jobs match.")
    String list_none();

    // ---- one job
    @Message("Job {id}")
    String job_title(Long id);
    @Message("Job {id}: {kind}")
    String job_heading(Long id, String kind);
    @Message("target")
    String job_target();
    @Message("requested by {actor} at {time}")
    String job_requested(String actor, String time);
    @Message("What the job changed")
    String change_heading();
    @Message("Read before the job ran ({before}) and after it ended ({after}).")
    String change_read(String before, String after);
    @Message("Record")
    String change_record();
    @Message("named by audit event {seq}")
    String change_audit(Long seq);
    @Message("Domain XML")
    String change_xml();
    @Message("The VM did not exist before the job.")
    String change_no_vm_before();
    @Message("The VM no longer exists after the job.")
    String change_no_vm_after();
    @Message("Unchanged")
    String change_unchanged();
    @Message("Disks (backing chain, top first)")
    String change_disks();
    @Message("Disk")
    String change_disk();
    @Message("Chain")
    String change_chain();
    @Message("before")
    String before();
    @Message("after")
    String after();
    @Message("Before:")
    String before_colon();
    @Message("After:")
    String after_colon();
    @Message("(current)")
    String current();
    @Message("Files")
    String change_files();
    @Message("Created:")
    String change_created();
    @Message("Removed:")
    String change_removed();

    // ---- the live part of a job page
    @Message("State:")
    String live_state();
    @Message("(cancel requested)")
    String live_cancel_requested();
    @Message("Started {time}")
    String live_started(String time);
    @Message("ended {time}")
    String live_ended(String time);
    @Message("attempt {n}")
    String live_attempt(int n);
    @Message("on {worker}")
    String live_on(String worker);
    @Message("Result:")
    String live_result();
    @Message("Error:")
    String live_error();
    @Message("Cancel job")
    String live_cancel();
    @Message("Log")
    String live_log();
    @Message("(nothing yet)")
    String live_nothing();

    // ---- batch
    @Message("Batch {id}")
    String batch_title(Long id);
    @Message("Batch {id}: {count} × {method} from {template}")
    String batch_heading(Long id, int count, String method, String template);
    @Message("Requested by {actor} {ago}; name pattern")
    String batch_requested(String actor, String ago);
    @Message("Each VM is its own job: one failing does not undo the others.")
    String batch_each();
    @Message("This page updates itself until all have ended.")
    String batch_updates();
    @Message("Result")
    String batch_result();

    // ---- timeline
    @Message("Timeline")
    String tl_title();
    @Message("{label}")
    String tl_back(String label);
    @Message("Timeline: {title}")
    String tl_heading(String title);
    @Message("newest first")
    String tl_newest();
    @Message("audit log")
    String tl_audit();
    @Message("What")
    String tl_what();
    @Message("changed:")
    String tl_changed();
    @Message("before/after")
    String tl_before_after();
    @Message("Nothing recorded yet.")
    String tl_none();
    @Message("Older →")
    String tl_older();

    // ---- audit log
    @Message("Audit log")
    String audit_heading();
    @Message("Hash chain (sealed with the audit key)")
    String audit_chain();
    @Message("intact")
    String audit_intact();
    @Message("full walk")
    String audit_full_walk();
    @Message("since the anchor of {at} at event {seq}")
    String audit_since_anchor(Object at, Object seq);
    @Message("{events} events checked in {millis} ms, head {head}.")
    String audit_checked(long events, long millis, Object head);
    @Message("Hash chain broken")
    String audit_broken();
    @Message("Full check (every event)")
    String audit_full_check();
    @Message("Search")
    String audit_search();
    @Message("words in target or details")
    String audit_search_hint();
    @Message("Actor")
    String audit_actor();
    @Message("Action")
    String audit_action();
    @Message("From")
    String audit_from();
    @Message("To")
    String audit_to();
    @Message("Export what this filter matches (every page, with the chain head):")
    String audit_export();
    @Message("newest")
    String audit_newest();
    @Message("No events match.")
    String audit_none();
    @Message("Older events →")
    String audit_older();
}
