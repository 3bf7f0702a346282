#!/usr/bin/env python3
"""Times audit reads against a running Strata: p50/p95 of N requests each (sequential, one client).
   audit-latency.py URL USER PASSWORD [N]"""
import re
import base64, http.cookiejar, os, sys, time, urllib.parse, urllib.request

url, user, pw = sys.argv[1:4]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 40
auth = "Basic " + base64.b64encode(f"{user}:{pw}".encode()).decode()
jar = http.cookiejar.CookieJar()
browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
login_page = browser.open(url + "/login").read().decode()
token = re.search(r'name="csrf-token" value="([^"]+)"', login_page).group(1)
browser.open(url + "/j_security_check",
             urllib.parse.urlencode({"j_username": user, "j_password": pw, "csrf-token": token}).encode()).read()


def api(path):
    req = urllib.request.Request(url + path, headers={"Authorization": auth, "Accept": "application/json"})
    with urllib.request.urlopen(req) as r:
        r.read()
        return r.headers.get("X-Next-Before")


def page(path):
    with browser.open(url + path) as r:
        body = r.read()
        assert b"Audit log" in body or b"Timeline" in body, path


def timed(name, fn, path):
    fn(path)  # warm
    ms = []
    for _ in range(n):
        t = time.perf_counter()
        fn(path)
        ms.append((time.perf_counter() - t) * 1000)
    ms.sort()
    print(f"| {name} | `{path}` | {ms[len(ms) // 2]:.0f} | {ms[int(len(ms) * 0.95) - 1]:.0f} | {ms[-1]:.0f} |")


deep = api("/api/audit?limit=1000")  # a cursor 1,000 events deep
for _ in range(20):
    deep = api(f"/api/audit?limit=1000&before={deep}")  # ... and 21,000 deep
print("| what | request | p50 (ms) | p95 (ms) | max (ms) |")
print("|---|---|---:|---:|---:|")
if os.environ.get("PAGES", "1") != "0":  # PAGES=0: skip while the page walks the whole chain on each view
    timed("audit page (newest 100, chain verify on each view)", page, "/audit")
    timed("audit page, text search", page, "/audit?q=ticket-4242")
timed("API, newest 100", api, "/api/audit")
timed("API, actor filter", api, "/api/audit?actor=user7")
timed("API, VM filter", api, "/api/audit?vm=vm-1234")
timed("API, action + outcome", api, "/api/audit?action=snapshot.revert&outcome=FAILED")
timed("API, time range", api, "/api/audit?from=2026-10-01T00:00:00Z&to=2026-10-02T00:00:00Z")
timed("API, page 21,000 deep", api, f"/api/audit?before={deep}")
timed("API, actor filter 21,000 deep", api, f"/api/audit?actor=user7&before={deep}")
timed("search, rare word (20 hits)", api, "/api/audit?q=ticket-4242")
timed("search, two common words", api, "/api/audit?q=merged+overlay")
timed("search, word + VM filter", api, "/api/audit?q=pivot&vm=vm-77")
timed("search, no hit", api, "/api/audit?q=nosuchword")
timed("VM timeline", api, "/api/hosts/local/vms/vm-1234/timeline")
timed("user timeline", api, "/api/users/user7/timeline")
