-- Issue 3: external snapshots. The cache learns which files each snapshot names and what its
-- overlays hold; a merge that stopped half-way marks the snapshot whose image it wrote into.

ALTER TABLE snapshot
    ADD COLUMN files         text,      -- "vda: image → overlay" lines of an external snapshot
    ADD COLUMN overlay_bytes bigint;    -- bytes its overlay files take on disk (null: internal)

-- A snapshot whose image took part of a merge that did not finish (cancelled, failed, or its
-- node died): the VM still reads as before, but the snapshot no longer holds its point in time.
CREATE TABLE snapshot_mark (
    host        text NOT NULL,
    vm          text NOT NULL,
    snapshot    text NOT NULL,
    job_id      bigint REFERENCES job(id),
    reason      text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (host, vm, snapshot)
);
