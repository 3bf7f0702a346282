#!/usr/bin/env python3
"""Checks a Strata audit export (CSV or JSON Lines) offline, without the database.

  python3 scripts/check-audit-export.py audit.jsonl            # or audit.csv
  python3 scripts/check-audit-export.py --key KEYFILE audit.csv  # a keyed (HMAC) chain

Checks: every record links to the one before it (prev_hash = previous hash), every whole event's
hash recomputes from its fields, the last record is the head named by the export's first record,
and every job change record matches the digest its event names (and its domain XML its digests).
Prints "ok: N events, M links, head SEQ HASH" and exits 0, or names the first problem and exits 1.
"""
import csv, hashlib, hmac, json, re, sys
from datetime import datetime, timezone, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
FIELDS = ["prev_hash", "seq", "micros", "actor", "roles", "source", "action", "target", "job_id", "outcome", "details"]


def java_len(s):  # Java's String.length(): UTF-16 code units
    return len(s.encode("utf-16-le")) // 2


def chain_hash(e, key):
    at = datetime.strptime(e["at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    v = dict(e, micros=str((at - EPOCH) // timedelta(microseconds=1)))
    msg = "".join("-1:|" if v[f] is None else f"{java_len(str(v[f]))}:{v[f]}|" for f in FIELDS).encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest() if key else hashlib.sha256(msg).hexdigest()


def records(path):
    with open(path, newline="", encoding="utf-8") as f:
        if path.endswith(".csv"):
            # NULL is an unquoted \N; every other value is quoted (the csv module cannot tell them
            # apart, so a value that is literally \N would read as NULL here).
            for r in csv.DictReader(f):
                yield {k: (None if v == "\\N" else v) for k, v in r.items()}
        else:
            for line in f:
                yield json.loads(line)


def check(path, key=None):
    it = records(path)
    head = next(it)
    assert head["record"] == "head", "the first record is the head"
    # Events from keyed_from on are sealed with HMAC-SHA256 under the key file (hex); before, SHA-256.
    keyed = head.get("keyed_from", head.get("job_id"))
    keyed = None if keyed in (None, "") else int(keyed)
    prev, events, links, unsealed = None, 0, 0, 0
    for r in it:
        seq = int(r["seq"])
        if prev is not None and (r["prev_hash"] != prev[1] or seq <= prev[0]):
            return f"record {seq} does not link to record {prev[0]} (removed, inserted or reordered)"
        if r["record"] == "event":
            r = dict(r, seq=str(seq), job_id=None if r["job_id"] in (None, "") else str(r["job_id"]))
            sealed = keyed is not None and seq >= keyed
            if sealed and not key:
                unsealed += 1  # its seal needs the key: only its links are checked
            elif chain_hash(r, key if sealed else None) != r["hash"]:
                return f"event {seq} does not match its hash (changed after it was written)"
            if r.get("change"):
                m = re.search(r"change sha256:([0-9a-f]{64})", r["details"] or "")
                if not m or hashlib.sha256(r["change"].encode()).hexdigest() != m.group(1):
                    return f"event {seq}: its change record does not match the digest it names"
                c = json.loads(r["change"])
                for side, text in (("before", r.get("xml_before")), ("after", r.get("xml_after"))):
                    if c[side]["xml"] and hashlib.sha256((text or "").encode()).hexdigest() != c[side]["xml"]:
                        return f"event {seq}: domain XML {side} does not match its digest"
            events += 1
        else:
            links += 1
        prev = (seq, r["hash"])
    if prev is None and int(head["seq"]) == 0:
        return None, "ok: empty log"
    if prev is None or (prev[0], prev[1]) != (int(head["seq"]), head["hash"]):
        return f"the export does not end at the head {head['seq']} (a tail is missing)"
    note = f" ({unsealed} keyed events checked by their links only: pass --key KEYFILE)" if unsealed else ""
    return None, f"ok: {events} events, {links} links, head {head['seq']} {head['hash']}{note}"


if __name__ == "__main__":
    args = sys.argv[1:]
    key = None
    if args[:1] == ["--key"]:
        key = bytes.fromhex(open(args[1]).read().strip())
        args = args[2:]
    result = check(args[0], key)
    if isinstance(result, tuple):
        print(result[1])
        sys.exit(0)
    print("BROKEN: " + result)
    sys.exit(1)
