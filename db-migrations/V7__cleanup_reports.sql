-- Issue 9 (second half): scheduled cleanup reports, their items, the cron's one-node guard, mail settings.

-- One row per report; its items are rows of cleanup_report_item, written while the job runs.
CREATE TABLE cleanup_report (
    id            bigserial PRIMARY KEY,
    job_id        bigint REFERENCES job(id),
    trigger       text NOT NULL,                 -- cron | manual
    requested_by  text NOT NULL,
    state         text NOT NULL DEFAULT 'RUNNING', -- RUNNING | DONE | FAILED
    previous_id   bigint REFERENCES cleanup_report(id) ON DELETE SET NULL,
    since         timestamptz,                   -- section 5 counts jobs that ended after this
    created_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    summary       jsonb,                         -- counts per section, files looked at, problems
    mail_status   text,
    CONSTRAINT cleanup_report_state CHECK (state IN ('RUNNING', 'DONE', 'FAILED'))
);
CREATE INDEX cleanup_report_created ON cleanup_report(created_at);

-- One item of one section: a stable key (what section 7 compares between reports), who it belongs
-- to (users see their own) and its fields.
CREATE TABLE cleanup_report_item (
    id          bigserial PRIMARY KEY,
    report_id   bigint NOT NULL REFERENCES cleanup_report(id) ON DELETE CASCADE,
    section     smallint NOT NULL CHECK (section BETWEEN 1 AND 7),
    item_key    text NOT NULL,
    host        text,
    vm          text,
    owner       text,
    summary     text NOT NULL,
    data        jsonb NOT NULL DEFAULT '{}',
    UNIQUE (report_id, section, item_key)
);
CREATE INDEX cleanup_report_item_owner ON cleanup_report_item(report_id, owner);

-- The cron fires on every node; the first node to insert the fire time's row queues the report.
CREATE TABLE cleanup_report_fire (
    fire_time   timestamptz PRIMARY KEY,
    node        text NOT NULL,
    job_id      bigint,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Mail: where a user's report items go, and whether they want them.
ALTER TABLE app_user
    ADD COLUMN email       text,
    ADD COLUMN report_mail boolean NOT NULL DEFAULT true;
