package io.strata.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.kernel.Roles;

/**
 * Delivers a finished report by mail (quarkus-mailer, the standard {@code quarkus.mailer.*}
 * settings): each owner gets their own items, admins the summary with a link. Users opt out with
 * {@code report_mail}; a user without an address gets nothing. Mail counts as configured when
 * {@code quarkus.mailer.from} is set; otherwise reports are only stored.
 */
@ApplicationScoped
public class ReportMail {

    private static final Logger LOG = Logger.getLogger(ReportMail.class);
    /** Lines per mail; the rest is behind the link. */
    static final int MAX_LINES = 200;

    @Inject
    Mailer mailer;
    @Inject
    ReportItems items;
    @Inject
    EntityManager em;

    @ConfigProperty(name = "quarkus.mailer.from")
    Optional<String> from;
    @ConfigProperty(name = "strata.base-url", defaultValue = "http://localhost:8080")
    String baseUrl;

    public boolean configured() {
        return from.isPresent() && !from.get().isBlank();
    }

    record Recipient(String user, String roles, String email) {
    }

    /** Sends the report's mails; says what it did (stored as the report's mail status). */
    String send(long reportId) {
        if (!configured()) {
            return "mail is not configured (quarkus.mailer.from is unset): the report is stored only";
        }
        int owners = 0;
        int admins = 0;
        List<String> failures = new ArrayList<>();
        long[] all = items.counts(reportId, null);
        for (Recipient r : recipients()) {
            try {
                if (List.of(r.roles().split(",")).contains(Roles.ADMIN)) {
                    mailer.send(Mail.withText(r.email(), "Strata cleanup report " + reportId, summary(reportId, all)));
                    admins++;
                } else {
                    List<ReportItem> mine = items.list(reportId, r.user(), null, MAX_LINES + 1);
                    if (mine.isEmpty()) {
                        continue;
                    }
                    mailer.send(Mail.withText(r.email(), "Strata cleanup report " + reportId + ": items for " + r.user(),
                            ownerText(reportId, r.user(), mine)));
                    owners++;
                }
            } catch (RuntimeException e) {
                LOG.warnf("report %d: mail to %s failed: %s", reportId, r.email(), e.getMessage());
                failures.add(r.user() + ": " + e.getMessage());
            }
        }
        return "mailed " + owners + " owner(s) and " + admins + " admin(s)"
                + (failures.isEmpty() ? "" : "; failed: " + String.join("; ", failures));
    }

    @SuppressWarnings("unchecked")
    private List<Recipient> recipients() {
        return QuarkusTransaction.requiringNew().call(() -> ((List<Object[]>) em.createNativeQuery(
                "SELECT username, roles, email FROM app_user WHERE report_mail AND NOT disabled AND email IS NOT NULL AND email <> ''"
                        + " ORDER BY username").getResultList())
                .stream().map(row -> new Recipient((String) row[0], (String) row[1], (String) row[2])).toList());
    }

    private String summary(long reportId, long[] counts) {
        StringBuilder b = new StringBuilder("Strata cleanup report ").append(reportId).append("\n\n");
        for (int s = 1; s <= 7; s++) {
            b.append(s).append(". ").append(ReportItem.SECTION_TITLES[s]).append(": ").append(counts[s]).append('\n');
        }
        return b.append("\nThe whole report: ").append(link(reportId)).append('\n').toString();
    }

    static String ownerText(long reportId, String user, List<ReportItem> mine, String link) {
        StringBuilder b = new StringBuilder("Strata cleanup report ").append(reportId).append(": the items about the VMs of ")
                .append(user).append("\n");
        int section = 0;
        int lines = 0;
        for (ReportItem i : mine) {
            if (lines++ == MAX_LINES) {
                b.append("\n… more in the report.\n");
                break;
            }
            if (i.section() != section) {
                section = i.section();
                b.append("\n").append(section).append(". ").append(i.sectionTitle()).append('\n');
            }
            b.append("- ").append(i.summary()).append('\n');
        }
        return b.append("\nYour view of the report: ").append(link).append('\n')
                .append("To stop these mails, untick \"mail me my items\" on /reports.\n").toString();
    }

    private String ownerText(long reportId, String user, List<ReportItem> mine) {
        return ownerText(reportId, user, mine, link(reportId));
    }

    String link(long reportId) {
        return baseUrl.replaceAll("/+$", "") + "/reports/" + reportId;
    }

    /** The caller's own mail settings: address and whether they want report mail. */
    @SuppressWarnings("unchecked")
    Optional<Object[]> settings(String user) {
        return QuarkusTransaction.requiringNew().call(() -> ((List<Object[]>) em.createNativeQuery(
                "SELECT email, report_mail FROM app_user WHERE username = ?1").setParameter(1, user).getResultList())
                .stream().findFirst());
    }

    void saveSettings(String user, String email, boolean enabled) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "UPDATE app_user SET email = ?1, report_mail = ?2 WHERE username = ?3").setParameter(1, email)
                .setParameter(2, enabled).setParameter(3, user).executeUpdate());
    }
}
