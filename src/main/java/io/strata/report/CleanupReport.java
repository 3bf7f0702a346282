package io.strata.report;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.ColumnTransformer;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One cleanup report; its items are {@link ReportItem}s in cleanup_report_item. */
@Entity
@Table(name = "cleanup_report")
public class CleanupReport extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "job_id")
    public Long jobId;
    /** cron or manual. */
    public String trigger;
    @Column(name = "requested_by")
    public String requestedBy;
    /** RUNNING, DONE or FAILED. */
    public String state;
    @Column(name = "previous_id")
    public Long previousId;
    /** Section 5 lists jobs that ended after this. */
    public Instant since;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
    /** JSON: counts per section, files looked at, hosts not read. */
    @ColumnTransformer(write = "cast(? as jsonb)")
    public String summary;
    @Column(name = "mail_status")
    public String mailStatus;
}
