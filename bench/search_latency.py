#!/usr/bin/env python3
"""Search latency through the HTTP search page, one client, keep-alive.

Usage: bench/search_latency.py http://127.0.0.1:8091 [requests-per-query]

For each query class: 20 warm-up requests, then N timed requests (default 200) cycling through
the class's queries; prints p50/p95/p99 in milliseconds and the result count the page reports.
Standard library only, so it runs anywhere Python 3 does.
"""
import http.client
import re
import statistics
import sys
import time
import urllib.parse

CLASSES = {
    "single word, common (~half the docs)": ["sync", "file", "error"],
    "single word, mid-frequency": ["firewall", "thumbnail", "retention"],
    "single word, rare": ["x1f3", "x2a7c", "x9001"],
    "two words": ["sync error", "upload folder", "offline backup"],
    "phrase": ['"upload file"', '"sync error"', '"the account"'],
    "Chinese word": ["技术支持", "同步", "权限"],
    "Chinese two-character word, rare": ["证书", "审计", "回收站"],
    "mixed Chinese + English": ["sync 权限", "同步 error"],
    "filtered (kind + date, newest)": ["sync&kind=topic&from=2025-01-01&sort=newest", "同步&kind=reply&from=2024-06-01"],
}


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def main():
    base = urllib.parse.urlparse(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    conn = http.client.HTTPConnection(base.hostname, base.port, timeout=30)

    def get(q):
        text, _, rest = q.partition("&")
        path = "/search?q=" + urllib.parse.quote(text) + ("&" + rest if rest else "")
        t = time.perf_counter()
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read().decode()
        ms = (time.perf_counter() - t) * 1000
        if resp.status != 200:
            raise SystemExit(f"{path}: HTTP {resp.status}")
        m = re.search(r'<p class="meta" role="status">([^<]*)</p>', body)
        return ms, (m.group(1) if m else "?")

    print(f"| query class | p50 ms | p95 ms | p99 ms | results (first query) |")
    print(f"|---|---:|---:|---:|---|")
    for name, queries in CLASSES.items():
        for i in range(20):
            get(queries[i % len(queries)])
        times = []
        for i in range(n):
            ms, _ = get(queries[i % len(queries)])
            times.append(ms)
        _, count = get(queries[0])
        print(f"| {name} | {statistics.median(times):.1f} | {percentile(times, 95):.1f} | {percentile(times, 99):.1f} | {count} |")


if __name__ == "__main__":
    main()
