package io.strata.web.i18n;

import io.quarkus.qute.i18n.Message;
import io.quarkus.qute.i18n.MessageBundle;

/**
 * Refusals that carry a key (kernel.Refused#withKey, job.JobConflict), by that key, with the
 * arguments in the order the callers give them ({@code errmsg:}). English here matches the
 * refusal's own message; Chinese in messages/errmsg_zh_TW.properties.
 */
@MessageBundle(value = "errmsg", locale = "en")
public interface ErrMsg {

    @Message("no VM named {vm} on host {host}")
    String vm_not_found(String vm, String host);
    @Message("no host named {host}")
    String host_not_found(String host);
    @Message("your roles ({roles}) allow reading VM {vm} but not changing it")
    String vm_read_only(String roles, String vm);
    @Message("VM {vm} has no snapshot named {snapshot}")
    String snapshot_not_found(String vm, String snapshot);
    @Message("VM {vm} already has a snapshot named {snapshot}")
    String snapshot_exists(String vm, String snapshot);
    @Message("{vm} is a sealed template; its snapshots cannot change")
    String template_sealed(String vm);
    @Message("{vm} is {state}, not shut off")
    String vm_not_shut_off(String vm, String state);
    @Message("{vm} is shut off already; there is nothing to force off")
    String vm_already_off(String vm);
    @Message("{vm} is {state}; only a running VM can be {verb}")
    String vm_needs_running(String vm, String state, String verb);
    @Message("{vm} is {state}; only a paused VM can be {verb}")
    String vm_needs_paused(String vm, String state, String verb);
    @Message("{vm} has snapshots; merge or delete them before flattening")
    String flatten_has_snapshots(String vm);
    @Message("VM {vm} already has an active job{#if job} (job {job}){/if}; wait for it to finish or cancel it")
    String vm_busy(String vm, String job);
    @Message("one of the VMs got an active job meanwhile; nothing was queued")
    String batch_busy();
    @Message("no job {id}")
    String job_not_found(String id);
    @Message("only the job's requester or an operator can cancel it")
    String job_cancel_forbidden();
    @Message("job {id} already ended: {state}")
    String job_ended(String id, String state);
    @Message("no user named {user}")
    String user_not_found(String user);
    @Message("a user named {user} already exists")
    String user_exists(String user);
    @Message("this form's security token (CSRF) is missing or does not match this browser's: nothing was changed. Go back, reload the page and send the form again.")
    String csrf_refused();
}
