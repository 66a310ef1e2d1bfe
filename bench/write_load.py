#!/usr/bin/env python3
"""Concurrent writes against a real Plaza server, then proof that nothing was lost or counted twice.

Usage:
  bench/write_load.py --binary target/release/plaza [--members 64] [--seconds 60]
                      [--database sqlite|postgres:///plaza_load] [--kill-after 20]

It starts the server itself (a fresh data directory, port 8093 on 127.0.0.1), sets the site up
through its pages (the first admin, 64 members, a board with 8 topics, an ideas board, a blog post),
then runs one thread per member for the given time. Each thread loops: reply to a topic, comment
on the post, like something, vote for the idea (likes and votes are sent twice, as double clicks).
Every answer is recorded; 303 means acknowledged.

Afterwards (with --kill-after: the server is killed with SIGKILL after that many seconds, restarted,
and for SQLite `PRAGMA integrity_check` is run first) it checks in the database:
  - every acknowledged reply and comment is there exactly once, not lost;
  - reply positions of every topic are unique and gap-free (1..n);
  - every counter equals the real count (replies, board posts, likes, votes, comments);
  - no answer was a 5xx.
Prints the figures as JSON. Standard library only (psql for PostgreSQL checks).
"""
import argparse
import http.client
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

PASSWORD = "correct horse battery staple"
HOST, PORT = "127.0.0.1", 8093


class Client:
    """One browser: a keep-alive connection, cookies and the CSRF token."""

    def __init__(self):
        self.conn = http.client.HTTPConnection(HOST, PORT, timeout=60)
        self.cookies = {}
        self.token = None

    def request(self, method, path, fields=None):
        body = urllib.parse.urlencode(fields) if fields is not None else None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(3):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                text = resp.read().decode("utf-8", "replace")
                break
            except (ConnectionError, http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, PORT, timeout=60)
                if attempt == 2:
                    raise
        for k, v in resp.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                value = rest.split(";", 1)[0]
                if value:
                    self.cookies[name] = value
                else:
                    self.cookies.pop(name, None)
        return resp.status, resp.getheader("Location") or "", text

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields):
        if self.token is None:
            status, location, page = self.get("/register")
            if status == 303:  # before the first admin exists, every page leads to /setup
                _, _, page = self.get(location)
            m = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
            self.token = m.group(1) if m else ""
        return self.request("POST", path, list(fields) + [("csrf_token", self.token)])


def start(binary, env):
    log = open(os.path.join(env["PLAZA_DATA_DIR"], "server.log"), "ab")
    proc = subprocess.Popen([binary, "serve"], env=env, stdout=log, stderr=log)
    for _ in range(200):
        try:
            c = http.client.HTTPConnection(HOST, PORT, timeout=1)
            c.request("GET", "/robots.txt")
            if c.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.1)
    raise SystemExit("server did not start; see server.log")


def fresh_site(prefix, database, **settings):
    """A new data directory (and, for PostgreSQL, a new database): (directory, the server's environment)."""
    data_dir = tempfile.mkdtemp(prefix=prefix)
    env = dict(os.environ, PLAZA_DATA_DIR=data_dir, PLAZA_BIND=f"{HOST}:{PORT}", RUST_LOG="warn",
               PLAZA_BASE_URL=f"http://{HOST}:{PORT}", **settings)
    if database != "sqlite":
        name = urllib.parse.urlparse(database).path.lstrip("/")
        subprocess.run(["dropdb", "--if-exists", name], check=True)
        subprocess.run(["createdb", name], check=True)
        env["DATABASE_URL"] = database
    return data_dir, env


def setup(members):
    admin = Client()
    status, _, _ = admin.post("/setup", [("username", "loadadmin"), ("email", "loadadmin@example.com"),
                                         ("password", PASSWORD)])
    assert status == 303, f"setup answered {status}"
    for slug, kind in [("load", "discussion"), ("ideas", "ideas")]:
        status, _, _ = admin.post("/admin/forums/boards", [
            ("name", slug), ("slug", slug), ("kind", kind), ("view_access", "everyone"),
            ("post_access", "members"), ("position", "1")])
        assert status == 303, f"board {slug}: {status}"
    topics = []
    for i in range(8):
        status, loc, _ = admin.post("/forums/load/new", [("title", f"Load topic {i}"), ("body", "Reply here."),
                                                         ("tags", ""), ("action", "save")])
        assert status == 303, status
        topics.append(loc.rsplit("/", 1)[1].split("-")[0])
    status, loc, _ = admin.post("/forums/ideas/new", [("title", "Load idea"), ("body", "Vote."), ("tags", ""),
                                                      ("action", "save")])
    idea = loc.rsplit("/", 1)[1].split("-")[0]
    status, loc, _ = admin.post("/write", [("blog", "loadadmin"), ("title", "Load post"), ("body", "Comment here."),
                                           ("status", "published"), ("comments_enabled", "on"), ("action", "save")])
    assert status == 303, f"post: {status}"
    _, _, page = admin.get(loc)
    post = re.search(r"/posts/(\d+)/edit", page).group(1)
    clients = []
    for i in range(members):
        c = Client()
        status, _, _ = c.post("/register", [("username", f"loader{i:03}"), ("email", f"loader{i}@example.com"),
                                            ("password", PASSWORD)])
        assert status == 303, f"register {i}: {status}"
        clients.append(c)
    return admin, topics, idea, post, clients


def worker(c, i, topics, idea, post, stop, out):
    rng = random.Random(i)
    acked = {"replies": [], "comments": [], "likes": set(), "votes": 0}
    statuses = {}
    done = 0
    while not stop.is_set():
        try:
            t = rng.choice(topics)
            s, loc, _ = c.post(f"/topics/{t}/replies", [("body", f"Reply from {i} number {done}")])
            statuses[s] = statuses.get(s, 0) + 1
            if s == 303 and "#r" in loc:
                acked["replies"].append(int(loc.rsplit("#r", 1)[1]))
            s, loc, _ = c.post(f"/posts/{post}/comments", [("body", f"Comment from {i} number {done}")])
            statuses[s] = statuses.get(s, 0) + 1
            if s == 303 and "#c" in loc:
                acked["comments"].append(int(loc.rsplit("#c", 1)[1]))
            target = rng.choice(topics)
            for _ in range(2):
                s, _, _ = c.post(f"/likes/{target}", [("value", "1")])
                statuses[s] = statuses.get(s, 0) + 1
                if s == 303:
                    acked["likes"].add(int(target))
                s, _, _ = c.post(f"/topics/{idea}/vote", [("value", "1")])
                statuses[s] = statuses.get(s, 0) + 1
                if s == 303:
                    acked["votes"] = 1
            done += 1
        except Exception as e:  # the server was killed: stop quietly
            statuses["error"] = statuses.get("error", 0) + 1
            if stop.is_set() or "refused" in str(e).lower() or "reset" in str(e).lower():
                break
    out[i] = (acked, statuses, done)


def query(database, data_dir, sql):
    if database == "sqlite":
        db = sqlite3.connect(os.path.join(data_dir, "plaza.sqlite3"))
        rows = db.execute(sql).fetchall()
        db.close()
        return rows
    out = subprocess.run(["psql", database, "-tAF", "\t", "-c", sql], capture_output=True, text=True, check=True)
    return [tuple(line.split("\t")) for line in out.stdout.splitlines() if line]


CHECKS = {
    "topics.reply_count": "SELECT COUNT(*) FROM topics t WHERE t.reply_count <> (SELECT COUNT(*) FROM replies r "
                          "JOIN contents c ON c.id = r.content_id WHERE r.topic_id = t.content_id AND c.deleted_at IS NULL)",
    "positions gap-free": "SELECT COUNT(*) FROM topics t WHERE t.last_position <> (SELECT COUNT(*) FROM replies r "
                          "WHERE r.topic_id = t.content_id) OR t.last_position <> (SELECT COALESCE(MAX(position), 0) "
                          "FROM replies r WHERE r.topic_id = t.content_id)",
    "positions unique": "SELECT COUNT(*) FROM (SELECT topic_id, position FROM replies GROUP BY topic_id, position "
                        "HAVING COUNT(*) > 1) d",
    "boards.post_count": "SELECT COUNT(*) FROM boards b WHERE b.post_count <> (SELECT COUNT(*) + "
                         "COALESCE(SUM(t.reply_count), 0) FROM topics t WHERE t.board_id = b.id AND t.visible)",
    "contents.like_count": "SELECT COUNT(*) FROM contents c WHERE c.like_count <> (SELECT COUNT(*) FROM likes l "
                           "WHERE l.content_id = c.id)",
    "contents.comment_count": "SELECT COUNT(*) FROM contents p WHERE p.kind = 'post' AND p.comment_count <> "
                              "(SELECT COUNT(*) FROM contents c WHERE c.parent_id = p.id AND c.kind = 'comment' "
                              "AND c.deleted_at IS NULL)",
    "ideas.vote_count": "SELECT COUNT(*) FROM ideas i WHERE i.vote_count <> (SELECT COUNT(*) FROM idea_votes v "
                        "WHERE v.topic_id = i.topic_id)",
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/release/plaza")
    ap.add_argument("--members", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--database", default="sqlite")
    ap.add_argument("--kill-after", type=float, default=None)
    args = ap.parse_args()

    data_dir, env = fresh_site("plaza-load-", args.database)
    proc = start(args.binary, env)
    _, topics, idea, post, clients = setup(args.members)

    stop = threading.Event()
    out = {}
    threads = [threading.Thread(target=worker, args=(c, i, topics, idea, post, stop, out))
               for i, c in enumerate(clients)]
    started = time.time()
    for t in threads:
        t.start()
    killed = False
    if args.kill_after is not None:
        time.sleep(args.kill_after)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        killed = True
        stop.set()
    else:
        time.sleep(args.seconds)
        stop.set()
    for t in threads:
        t.join()
    elapsed = time.time() - started
    if killed:
        integrity = query("sqlite", data_dir, "PRAGMA integrity_check")[0][0] if args.database == "sqlite" else "n/a"
        proc = start(args.binary, env)
    else:
        integrity = "not killed"
    proc.send_signal(signal.SIGTERM)
    proc.wait()

    replies = [r for a, _, _ in out.values() for r in a["replies"]]
    comments = [c for a, _, _ in out.values() for c in a["comments"]]
    statuses = {}
    for _, s, _ in out.values():
        for k, v in s.items():
            statuses[str(k)] = statuses.get(str(k), 0) + v
    present = {int(r[0]) for r in query(args.database, data_dir,
                                         "SELECT id FROM contents WHERE kind IN ('reply', 'comment') AND deleted_at IS NULL")}
    missing = [i for i in replies + comments if i not in present]
    likes = sum(len(a["likes"]) for a, _, _ in out.values())
    like_rows = int(query(args.database, data_dir, "SELECT COUNT(*) FROM likes")[0][0])
    votes = sum(a["votes"] for a, _, _ in out.values())
    vote_rows = int(query(args.database, data_dir, "SELECT COUNT(*) FROM idea_votes")[0][0])
    report = {
        "database": args.database,
        "members": args.members,
        "seconds": round(elapsed, 1),
        "killed": killed,
        "integrity_check": integrity,
        "answers": statuses,
        "server_errors_5xx": sum(v for k, v in statuses.items() if k.startswith("5")),
        "acknowledged_replies": len(replies),
        "acknowledged_comments": len(comments),
        "acknowledged_writes_per_second": round((len(replies) + len(comments)) / elapsed, 1),
        "acknowledged_but_missing": len(missing),
        "duplicate_acknowledgements": len(replies) + len(comments) - len(set(replies + comments)),
        "likes_acknowledged_vs_rows": [likes, like_rows],
        "votes_acknowledged_vs_rows": [votes, vote_rows],
        "counters_disagreeing": {k: int(query(args.database, data_dir, sql)[0][0]) for k, sql in CHECKS.items()},
    }
    print(json.dumps(report, indent=2))
    ok = (report["server_errors_5xx"] == 0 and not missing and all(v == 0 for v in report["counters_disagreeing"].values())
          and (likes == like_rows and votes == vote_rows if not killed else like_rows >= likes and vote_rows >= votes)
          and integrity in ("ok", "not killed", "n/a"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
