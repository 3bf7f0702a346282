package io.strata.web.i18n;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.qute.i18n.Localized;

/** A keyed refusal (kernel.Refused#withKey) in the reader's language, from {@link ErrMsg}. */
@ApplicationScoped
public class RefusalTexts {

    @Inject
    @Localized("zh-TW")
    ErrMsg chinese;
    @Inject
    @Localized("zh-TW")
    Msg chineseWords;

    /** The error page's heading for a status, in Chinese. */
    public String chineseReason(int status) {
        return switch (status) {
            case 400 -> chineseWords.error_400();
            case 403 -> chineseWords.error_403();
            case 404 -> chineseWords.error_404();
            case 409 -> chineseWords.error_409();
            case 502 -> chineseWords.error_502();
            case 503 -> chineseWords.error_503();
            case 500 -> chineseWords.error_500();
            default -> chineseWords.error_title();
        };
    }

    /** The text in Chinese, or null when the key is unknown or its arguments do not fit (the English message stands). */
    public String chinese(String key, List<String> a) {
        if (key == null) {
            return null;
        }
        try {
            return switch (key) {
                case "vm_not_found" -> chinese.vm_not_found(a.get(0), a.get(1));
                case "host_not_found" -> chinese.host_not_found(a.get(0));
                case "vm_read_only" -> chinese.vm_read_only(a.get(0), a.get(1));
                case "snapshot_not_found" -> chinese.snapshot_not_found(a.get(0), a.get(1));
                case "snapshot_exists" -> chinese.snapshot_exists(a.get(0), a.get(1));
                case "template_sealed" -> chinese.template_sealed(a.get(0));
                case "vm_not_shut_off" -> chinese.vm_not_shut_off(a.get(0), a.get(1));
                case "vm_already_off" -> chinese.vm_already_off(a.get(0));
                case "vm_needs_running" -> chinese.vm_needs_running(a.get(0), a.get(1), a.get(2));
                case "vm_needs_paused" -> chinese.vm_needs_paused(a.get(0), a.get(1), a.get(2));
                case "flatten_has_snapshots" -> chinese.flatten_has_snapshots(a.get(0));
                case "vm_busy" -> chinese.vm_busy(a.get(0), a.get(1));
                case "batch_busy" -> chinese.batch_busy();
                case "job_not_found" -> chinese.job_not_found(a.get(0));
                case "job_cancel_forbidden" -> chinese.job_cancel_forbidden();
                case "job_ended" -> chinese.job_ended(a.get(0), a.get(1));
                case "user_not_found" -> chinese.user_not_found(a.get(0));
                case "user_exists" -> chinese.user_exists(a.get(0));
                case "csrf_refused" -> chinese.csrf_refused();
                default -> null;
            };
        } catch (IndexOutOfBoundsException e) {
            return null;
        }
    }
}
