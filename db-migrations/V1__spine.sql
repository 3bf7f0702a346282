-- Strata spine: hosts, users, inventory cache, jobs, audit.

CREATE TABLE host (
    name        text PRIMARY KEY,
    uri         text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE app_user (
    id             bigserial PRIMARY KEY,
    username       text NOT NULL UNIQUE,
    password_hash  text NOT NULL,
    roles          text NOT NULL,              -- comma separated: user,operator,auditor,admin
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- Inventory cache. libvirt is the truth; the sync keeps these rows honest.
CREATE TABLE vm (
    id           bigserial PRIMARY KEY,
    host         text NOT NULL REFERENCES host(name),
    name         text NOT NULL,
    uuid         text NOT NULL,
    owner        text,
    template     boolean NOT NULL DEFAULT false,
    state        text NOT NULL,
    vcpus        integer NOT NULL,
    memory_kib   bigint NOT NULL,
    disks_json   text NOT NULL DEFAULT '[]',
    synced_at    timestamptz NOT NULL,
    UNIQUE (host, name)
);
CREATE INDEX vm_owner ON vm(owner);

CREATE TABLE snapshot (
    id           bigserial PRIMARY KEY,
    vm_id        bigint NOT NULL REFERENCES vm(id) ON DELETE CASCADE,
    name         text NOT NULL,
    parent       text,
    kind         text NOT NULL,                -- INTERNAL | EXTERNAL
    state        text,                         -- domain state saved with the snapshot
    description  text,
    created_at   timestamptz NOT NULL,
    current      boolean NOT NULL DEFAULT false,
    UNIQUE (vm_id, name)
);

CREATE TABLE job (
    id                bigserial PRIMARY KEY,
    kind              text NOT NULL,
    state             text NOT NULL,
    host              text NOT NULL,
    vm                text,
    target            text,
    params            text NOT NULL DEFAULT '{}',
    progress          integer NOT NULL DEFAULT 0,
    progress_text     text,
    actor             text NOT NULL,
    actor_roles       text,
    source_address    text,
    attempts          integer NOT NULL DEFAULT 0,
    worker            text,
    heartbeat_at      timestamptz,
    cancel_requested  boolean NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL DEFAULT now(),
    started_at        timestamptz,
    finished_at       timestamptz,
    result            text,
    error             text,
    CONSTRAINT job_state_valid CHECK (state IN ('QUEUED','RUNNING','SUCCEEDED','FAILED','CANCELLED','INTERRUPTED')),
    CONSTRAINT job_progress_range CHECK (progress BETWEEN 0 AND 100)
);
-- The database, not the application, guarantees one active job per VM.
CREATE UNIQUE INDEX job_one_active_per_vm ON job(host, vm) WHERE vm IS NOT NULL AND state IN ('QUEUED','RUNNING');
CREATE INDEX job_queue ON job(id) WHERE state = 'QUEUED';
CREATE INDEX job_running ON job(heartbeat_at) WHERE state = 'RUNNING';
CREATE INDEX job_vm ON job(host, vm, id);

CREATE TABLE job_log (
    id      bigserial PRIMARY KEY,
    job_id  bigint NOT NULL REFERENCES job(id),
    at      timestamptz NOT NULL DEFAULT now(),
    line    text NOT NULL
);
CREATE INDEX job_log_job ON job_log(job_id, id);

-- Append-only, hash-chained audit log.
CREATE TABLE audit_event (
    seq        bigint PRIMARY KEY,
    at         timestamptz NOT NULL,
    actor      text NOT NULL,
    roles      text,
    source     text,
    action     text NOT NULL,
    target     text,
    job_id     bigint,
    outcome    text NOT NULL,
    details    text,
    prev_hash  text NOT NULL,
    hash       text NOT NULL
);
CREATE SEQUENCE audit_event_seq;
CREATE INDEX audit_event_at ON audit_event(at);
CREATE INDEX audit_event_actor ON audit_event(actor, seq);
CREATE INDEX audit_event_target ON audit_event(target, seq);

CREATE FUNCTION audit_event_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP;
END $$;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_is_append_only();
