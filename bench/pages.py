#!/usr/bin/env python3
"""Every page type and feed under load, as ratios to the same process's /robots.txt, at several
site sizes: the table of issue 10 in one command.

Usage:
  bench/pages.py --binary target/release/plaza [--sizes 2000,100000,1000000]
                 [--database sqlite|postgres] [--seconds 10] [--data /tmp/plaza-pages]
                 [--only-seed] [--out results.json]

For each size it builds a site once (kept under --data, reused by later runs):
  plaza seed-demo; plaza seed-bench --posts SIZE (one staff blog, tags, comments on a third of
  the posts); plaza seed-bench --topics min(SIZE, 100000).
Then it starts the server (127.0.0.1:8097, RUST_LOG=warn), measures the cold start (process
start to the first 200 from /healthz) and, with `wrk -t2 -d<seconds>s --latency` after a 2 s
warm-up of each address:
  - as a visitor: every page type and every feed at 16 and at 64 connections;
  - logged in as a member (a session cookie): every page type at 64 connections;
and the server's resident memory (VmRSS, VmHWM) after the runs. wrk sends
`Accept-Encoding: br, gzip` as browsers do. Prints a Markdown table per size and, at the end,
each page's p50 growth from the smallest to the largest size. Needs wrk; PostgreSQL sites use
databases plaza_pages_<size> on the local socket (created if missing).
"""
import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse

HOST, PORT = "127.0.0.1", 8097
DEMO_PASSWORD = "plaza-demo-2026"


def run(cmd, env, **kw):
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, env=env, check=True, **kw)


def site_env(args, size):
    env = dict(os.environ)
    env["PLAZA_DATA_DIR"] = os.path.join(args.data, f"{args.database}-{size}")
    env["PLAZA_BIND"] = f"{HOST}:{PORT}"
    env["RUST_LOG"] = "warn"
    if args.database == "postgres":
        env["DATABASE_URL"] = f"postgres:///plaza_pages_{size}?host=/var/run/postgresql"
    return env


def build_site(args, size):
    env = site_env(args, size)
    marker = os.path.join(env["PLAZA_DATA_DIR"], ".seeded")
    if os.path.exists(marker):
        return env
    os.makedirs(env["PLAZA_DATA_DIR"], exist_ok=True)
    if args.database == "postgres":
        subprocess.run(["createdb", f"plaza_pages_{size}"], check=False)
    started = time.time()
    run([args.binary, "seed-demo"], env)
    run([args.binary, "seed-bench", "--posts", str(size)], env)
    run([args.binary, "seed-bench", "--topics", str(min(size, 100_000))], env)
    if args.database == "postgres":
        # What autovacuum would do within minutes of a bulk load: the planner's statistics.
        # (SQLite's come from the worker's housekeeping, `PRAGMA optimize`, at start.)
        subprocess.run(["psql", "-q", "-d", f"plaza_pages_{size}", "-c", "ANALYZE"], check=True)
    with open(marker, "w") as f:
        f.write(f"seeded in {time.time() - started:.0f} s\n")
    return env


def get(path, cookie=None, body=None, headers=None):
    conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
    h = dict(headers or {})
    if cookie:
        h["Cookie"] = cookie
    if body is not None:
        h["Content-Type"] = "application/x-www-form-urlencoded"
        h["Origin"] = f"http://{HOST}:{PORT}"
    conn.request("POST" if body is not None else "GET", path, body=body, headers=h)
    res = conn.getresponse()
    data = res.read().decode("utf-8", "replace")
    cookies = res.msg.get_all("Set-Cookie") or []
    return res.status, dict(res.getheaders()), cookies, data


def start_server(args, env):
    t0 = time.time()
    proc = subprocess.Popen([args.binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            if get("/healthz")[0] == 200:
                break
        except OSError:
            pass
        if proc.poll() is not None:
            sys.exit("server exited at start")
        time.sleep(0.005)
    return proc, time.time() - t0


def login(username):
    status, _, cookies, body = get("/login")
    csrf = next(c.split(";")[0] for c in cookies if c.startswith("plaza_csrf="))
    token = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
    form = urllib.parse.urlencode({"login": username, "password": DEMO_PASSWORD, "csrf_token": token})
    status, _, cookies, body = get("/login", cookie=csrf, body=form)
    if status != 303:
        sys.exit(f"login as {username} failed: {status}: {re.findall(r'role=.alert.[^<]*', body)}")
    session = next(c.split(";")[0] for c in cookies if c.startswith("plaza_session="))
    return f"{csrf}; {session}"


def first_link(path, pattern):
    body = get(path)[3]
    m = re.search(pattern, body)
    if not m:
        sys.exit(f"no link matching {pattern} on {path}")
    return m.group(1).replace("&amp;", "&").replace("&#38;", "&")


def pages():
    """(name, path, is_feed), found on the running site."""
    post = first_link("/blogs/postbench", r'class="card-title"><a href="(/blogs/postbench/[^"]+)"')
    topic = first_link("/forums/bench", r'href="(/forums/bench/[0-9]+-[^"#?]+)"')
    topic_id = re.match(r"/forums/bench/([0-9]+)-", topic).group(1)
    older = first_link("/blogs/postbench", r'rel="next" href="([^"]+)"')
    return [
        ("home", "/", False),
        ("enterprise blog", "/blog", False),
        ("a blog (all its posts)", "/blogs/postbench", False),
        ("a blog, page 2", older, False),
        ("blog directory", "/blogs", False),
        ("a post", post, False),
        ("tags", "/tags", False),
        ("a tag", "/tags/sync", False),
        ("forums", "/forums", False),
        ("a board", "/forums/bench", False),
        ("a topic", topic, False),
        ("a profile", "/u/postbench", False),
        ("search", "/search?q=sync", False),
        ("sitemap index", "/sitemap.xml", True),
        ("a sitemap file", "/sitemap-posts-0.xml", True),
        ("site feed", "/feed.atom", True),
        ("a blog's feed", "/blogs/postbench/feed.atom", True),
        ("a tag's feed", "/tags/sync/feed.rss", True),
        ("a board's feed", "/forums/bench/feed.atom", True),
        ("a topic's feed", f"/topics/{topic_id}/feed.atom", True),
    ]


def wrk(path, conns, seconds, cookie=None):
    url = f"http://{HOST}:{PORT}{path}"
    headers = ["-H", "Accept-Encoding: br, gzip"]
    if cookie:
        headers += ["-H", f"Cookie: {cookie}"]
    subprocess.run(["wrk", "-t2", f"-c{conns}", "-d2s", *headers, url], capture_output=True)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "--latency", *headers, url], capture_output=True, text=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))

    def pct(p):
        m = re.search(rf"\s{p}%\s+([0-9.]+)(us|ms|s)", out)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v

    non2xx = re.search(r"Non-2xx or 3xx responses:\s+([0-9]+)", out)
    return {"rps": rps, "p50": pct(50), "p99": pct(99), "errors": int(non2xx.group(1)) if non2xx else 0}


def rss(pid):
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def measure(args, size):
    env = build_site(args, size)
    proc, cold = start_server(args, env)
    try:
        cookie = login("jsmith")
        found = pages()
        result = {"size": size, "cold_start_s": cold, "robots": {}, "visitor": {}, "member": {}}
        for conns in (16, 64):
            result["robots"][conns] = wrk("/robots.txt", conns, args.seconds)
            for name, path, _ in found:
                result["visitor"].setdefault(name, {"path": path})[conns] = wrk(path, conns, args.seconds)
        for name, path, is_feed in found:
            if is_feed or path.startswith("/search"):
                continue
            result["member"][name] = {"path": path, 64: wrk(path, 64, args.seconds, cookie)}
        result["rss_mb"], result["hwm_mb"] = rss(proc.pid)
        return result
    finally:
        proc.terminate()
        proc.wait()


def table(r):
    robots16, robots64 = r["robots"][16]["rps"], r["robots"][64]["rps"]
    lines = [
        f"### {r['size']:,} posts — cold start {r['cold_start_s']:.2f} s, RSS {r['rss_mb']:.0f} MB (peak {r['hwm_mb']:.0f} MB)",
        "",
        f"`/robots.txt`: {robots16:,.0f} req/s at 16 connections, {robots64:,.0f} at 64.",
        "",
        "| page | visitor 16: req/s (× robots) | visitor 64: req/s (× robots) | p50 / p99 at 64 | member 64: req/s (× robots) | p50 / p99 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, v in r["visitor"].items():
        m = r["member"].get(name)
        member = (
            f"{m[64]['rps']:,.0f} ({m[64]['rps'] / robots64:.2f}) | {m[64]['p50']:.1f} / {m[64]['p99']:.1f} ms"
            if m
            else "— | —"
        )
        lines.append(
            f"| {name} | {v[16]['rps']:,.0f} ({v[16]['rps'] / robots16:.2f}) | {v[64]['rps']:,.0f} ({v[64]['rps'] / robots64:.2f}) "
            f"| {v[64]['p50']:.1f} / {v[64]['p99']:.1f} ms | {member} |"
        )
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--sizes", default="2000,100000,1000000")
    ap.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--data", default="/tmp/plaza-pages")
    ap.add_argument("--only-seed", action="store_true")
    ap.add_argument("--out")
    args = ap.parse_args()
    args.binary = os.path.abspath(args.binary)
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.only_seed:
        for size in sizes:
            build_site(args, size)
        return
    results = [measure(args, size) for size in sizes]
    for r in results:
        print(table(r))
        print()
    if len(results) > 1:
        first, last = results[0], results[-1]
        print(f"p50 growth from {first['size']:,} to {last['size']:,} posts (member pages, 64 connections):")
        print()
        for name, m in last["member"].items():
            a, b = first["member"][name][64]["p50"], m[64]["p50"]
            print(f"- {name}: {a:.2f} → {b:.2f} ms ({b / a:.2f}×)")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
