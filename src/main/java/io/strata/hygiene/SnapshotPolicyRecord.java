package io.strata.hygiene;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A row of {@code snapshot_policy}: the global policy ({@link #GLOBAL}) or one VM's overrides ("host/vm"). */
@Entity
@Table(name = "snapshot_policy")
public class SnapshotPolicyRecord extends PanacheEntityBase {

    public static final String GLOBAL = "global";

    @Id
    public String scope;
    @Column(name = "age_warn_days")
    public Integer ageWarnDays;
    @Column(name = "age_critical_days")
    public Integer ageCriticalDays;
    @Column(name = "count_warn")
    public Integer countWarn;
    @Column(name = "count_critical")
    public Integer countCritical;
    @Column(name = "depth_critical")
    public Integer depthCritical;
    @Column(name = "overlay_warn_percent")
    public Integer overlayWarnPercent;
    @Column(name = "running_old_critical")
    public Boolean runningOnOldSnapshot;
    @Column(name = "lease_max_days")
    public Integer leaseMaxDays;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Column(name = "updated_by")
    public String updatedBy;

    public static String vmScope(String host, String vm) {
        return host + "/" + vm;
    }

    public PolicyValues values() {
        return new PolicyValues(ageWarnDays, ageCriticalDays, countWarn, countCritical, depthCritical,
                overlayWarnPercent, runningOnOldSnapshot, leaseMaxDays);
    }

    void set(PolicyValues v) {
        ageWarnDays = v.ageWarnDays();
        ageCriticalDays = v.ageCriticalDays();
        countWarn = v.countWarn();
        countCritical = v.countCritical();
        depthCritical = v.depthCritical();
        overlayWarnPercent = v.overlayWarnPercent();
        runningOnOldSnapshot = v.runningOnOldSnapshot();
        leaseMaxDays = v.leaseMaxDays();
    }
}
