-- Issue 9: snapshot hygiene. A policy (global row plus per-VM overrides), who made each snapshot
-- and why, its lease, what the last scan found, and the warnings the scan recorded.

-- One row per scope: 'global' (every column set) or '<host>/<vm>' (null: inherit the global value).
CREATE TABLE snapshot_policy (
    scope                 text PRIMARY KEY,
    age_warn_days         integer,
    age_critical_days     integer,
    count_warn            integer,
    count_critical        integer,
    depth_critical        integer,
    overlay_warn_percent  integer,
    running_old_critical  boolean,
    lease_max_days        integer,
    updated_at            timestamptz NOT NULL DEFAULT now(),
    updated_by            text NOT NULL
);
INSERT INTO snapshot_policy (scope, age_warn_days, age_critical_days, count_warn, count_critical, depth_critical,
                             overlay_warn_percent, running_old_critical, lease_max_days, updated_by)
VALUES ('global', 3, 14, 3, 8, 5, 50, true, 30, 'system');

-- Per snapshot (by host, VM and name): creator and reason when made through Strata (creator null:
-- made outside Strata), the lease when extended, and the health the last scan recorded.
CREATE TABLE snapshot_hygiene (
    host                text NOT NULL,
    vm                  text NOT NULL,
    snapshot            text NOT NULL,
    creator             text,
    reason              text,
    job_id              bigint,
    requested_at        timestamptz,
    lease_until         timestamptz,
    lease_by            text,
    lease_reason        text,
    lease_at            timestamptz,
    scan_health         text NOT NULL DEFAULT 'ok',
    scan_lease_expired  boolean NOT NULL DEFAULT false,
    PRIMARY KEY (host, vm, snapshot),
    CONSTRAINT snapshot_hygiene_health CHECK (scan_health IN ('ok', 'warn', 'critical'))
);
CREATE INDEX snapshot_hygiene_job ON snapshot_hygiene(job_id);

-- Each crossing the scan saw (ok→warn, warn→critical, lease expired), once; the audit event
-- 'snapshot.warning' says the same in the hash-chained log.
CREATE TABLE snapshot_warning (
    id          bigserial PRIMARY KEY,
    host        text NOT NULL,
    vm          text NOT NULL,
    snapshot    text NOT NULL,
    crossing    text NOT NULL,
    health      text NOT NULL,
    reasons     text NOT NULL,
    owner       text,
    creator     text,
    reason      text,
    at          timestamptz NOT NULL DEFAULT now(),
    audit_seq   bigint,
    CONSTRAINT snapshot_warning_crossing CHECK (crossing IN ('warn', 'critical', 'lease-expired'))
);
CREATE INDEX snapshot_warning_snapshot ON snapshot_warning(host, vm, snapshot, id);
