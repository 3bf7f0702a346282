-- Issue 4: sealed templates, provisioning batches, quotas.

-- A sealed template. Its domain is undefined in libvirt (so neither Strata nor `virsh start`
-- can boot it); Strata keeps the definition here, and the images, read-only, beside it.
CREATE TABLE template (
    id           bigserial PRIMARY KEY,
    host         text NOT NULL,
    name         text NOT NULL,          -- template-<source VM>
    source_vm    text NOT NULL,
    domain_xml   text NOT NULL,          -- the definition, renamed, pointing at the sealed images
    disks        text NOT NULL,          -- JSON: [{target, file, format, virtualSize, bytes}]
    operations   text NOT NULL,          -- the virt-sysprep operations applied
    os           text,                   -- what libguestfs' inspection said, when known
    created_by   text NOT NULL,
    sealed_at    timestamptz NOT NULL,
    UNIQUE (host, name)
);

-- Many VMs asked for at once (count + name pattern): one job per VM, grouped.
CREATE TABLE provision_batch (
    id           bigserial PRIMARY KEY,
    host         text NOT NULL,
    template     text NOT NULL,
    method       text NOT NULL,          -- thin | clone
    name_pattern text NOT NULL,
    count        int NOT NULL,
    actor        text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE job ADD COLUMN batch_id bigint REFERENCES provision_batch(id);
CREATE INDEX job_batch ON job (batch_id) WHERE batch_id IS NOT NULL;

-- Quotas for `user` accounts (null: no limit).
ALTER TABLE app_user
    ADD COLUMN max_vms      int,
    ADD COLUMN max_disk_gib int;
