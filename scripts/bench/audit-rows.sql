-- Appends :n synthetic audit events with a valid hash chain (unkeyed SHA-256, as AuditChain writes it),
-- under the app's chain lock. Values are ASCII, so char_length equals Java's String.length.
CREATE FUNCTION pg_temp.f(v text) RETURNS text LANGUAGE sql IMMUTABLE AS
  $$ SELECT CASE WHEN v IS NULL THEN '-1:|' ELSE char_length(v) || ':' || v || '|' END $$;
CREATE FUNCTION pg_temp.fill(n int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  words text[] := ARRAY['snapshot','merged','overlay','revert','qcow2','raw','chain','base','created','deleted',
    'refused','quota','disk','vda','vdb','template','clone','pivot','commit','started','shutdown','owner','sealed',
    'flatten','inventory','sync','checked','leaks','backing','image','files','removed','kept','running','paused'];
  actions text[] := ARRAY['snapshot.create','snapshot.revert','snapshot.delete','snapshot.merge-all','vm.start',
    'vm.shutdown','disk.convert','disk.check','inventory.sync','vm.assign-owner','vm.provision-thin','login'];
  outcomes text[] := ARRAY['SUCCESS','ACCEPTED','SUCCESS','ACCEPTED','SUCCESS','ACCEPTED','FAILED','REFUSED','DENIED'];
  prev text; s bigint; t timestamptz; a text; tg text; act text; o text; d text; h text;
  base timestamptz := date_trunc('second', now()) - interval '90 days';
BEGIN
  PERFORM pg_advisory_xact_lock(6004514643731628373); -- AuditLog.CHAIN_LOCK (0x5354524154414155)
  SELECT hash INTO prev FROM audit_event ORDER BY seq DESC LIMIT 1;
  prev := coalesce(prev, repeat('0', 64));
  FOR i IN 1..n LOOP
    s := nextval('audit_event_seq');
    t := base + (i::bigint * 7654321) * interval '1 microsecond';
    a := 'user' || (i % 50);
    act := actions[1 + i % array_length(actions, 1)];
    tg := 'local/vm-' || (i * 7 % 2000) || CASE WHEN act LIKE 'snapshot.%' THEN '/snap-' || (i % 9) ELSE '' END;
    o := outcomes[1 + (i / 3) % array_length(outcomes, 1)];
    d := words[1 + i % 35] || ' ' || words[1 + (i / 35) % 35] || ' ' || words[1 + (i / 1225) % 35]
         || ' ticket-' || (i % 50000) || ' ' || substr(md5(i::text), 1, 12);
    h := encode(sha256(convert_to(pg_temp.f(prev) || pg_temp.f(s::text)
         || pg_temp.f(((extract(epoch FROM t) * 1000000)::bigint)::text) || pg_temp.f(a) || pg_temp.f('user')
         || pg_temp.f('127.0.0.1') || pg_temp.f(act) || pg_temp.f(tg) || pg_temp.f(NULL) || pg_temp.f(o)
         || pg_temp.f(d), 'UTF8')), 'hex');
    INSERT INTO audit_event (seq, at, actor, roles, source, action, target, job_id, outcome, details, prev_hash, hash)
      VALUES (s, t, a, 'user', '127.0.0.1', act, tg, NULL, o, d, prev, h);
    prev := h;
  END LOOP;
END $$;
-- The trigram index is built once after the rows (as it would have grown with them).
DROP INDEX IF EXISTS audit_event_text_trgm;
SELECT pg_temp.fill(:n);
CREATE INDEX audit_event_text_trgm ON audit_event USING gin (audit_event_text(action, target, details) gin_trgm_ops);
ANALYZE audit_event;
