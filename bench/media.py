#!/usr/bin/env python3
"""Media: upload throughput, picture processing per megapixel, the memory peak of the largest
picture, and range-request serving, against a real Plaza server.

Usage:
  pip install pillow            # makes the test pictures
  bench/media.py --binary target/release/plaza [--seconds 10] [--database sqlite|postgres:///plaza_media]

It starts the server itself (a fresh data directory, port 8093 on 127.0.0.1, no daily quota,
pictures up to 200 MB), makes the first admin, then measures, each through `POST /media` as the
editor's script sends it (multipart, `Accept: application/json`, the CSRF token in a header):

  1. pictures: JPEG photos of 1, 4, 12, 24 and 48 megapixels (noise over a gradient, so that
     they compress like photographs), each uploaded 3 times with different pixels; the median
     time per upload and per megapixel (decoded, turned upright, encoded again as WebP in
     320/800/1600 px and the full size, stored);
  2. the server's peak resident memory (VmHWM) before and after the 48 MP picture;
  3. upload throughput: a 64 MB sound file (MP3 frames: received, hashed and stored, not
     decoded), 5 times, MB/s; and small photos (0.5 MP) from 4 clients at once, uploads/s;
  4. serving: 8 clients fetching 256 KB ranges at random offsets of the sound file
     (206 answers) for --seconds, beside the same clients fetching /robots.txt (the cheapest
     page) and the whole file (200), requests/s and MB/s.
Prints the figures as JSON. Needs Pillow; otherwise the standard library.
"""
import argparse
import http.client
import io
import json
import os
import random
import re
import statistics
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from write_load import HOST, PASSWORD, PORT, Client, fresh_site, start  # noqa: E402

try:
    from PIL import Image
except ImportError:
    raise SystemExit("bench/media.py needs Pillow: pip install pillow")


def photo(megapixels, seed):
    """A JPEG of about `megapixels` (3:2), noisy like a photograph."""
    w = int((megapixels * 1_000_000 * 1.5) ** 0.5)
    h = int(megapixels * 1_000_000 / w)
    rnd = random.Random(seed)
    noise = Image.effect_noise((w, h), 40 + rnd.random() * 10)
    grad = Image.linear_gradient("L").resize((w, h))
    img = Image.merge("RGB", (noise, grad, Image.blend(noise, grad, 0.5)))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=88)
    return out.getvalue(), w * h


def mp3(megabytes):
    frame = bytes([0xFF, 0xFB, 0x90, 0x64]) + b"\x55" * 413
    frames = megabytes * 1024 * 1024 // len(frame)
    return b"ID3\x04\0\0\0\0\0\0" + frame * frames


def multipart(files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, data, mime in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                     f"Content-Type: {mime}\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def upload(c, name, data, mime):
    """One upload through the editor's path; (seconds, media id)."""
    body, ctype = multipart([(name, data, mime)])
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in c.cookies.items()), "Content-Type": ctype,
               "Accept": "application/json", "X-CSRF-Token": c.token}
    conn = http.client.HTTPConnection(HOST, PORT, timeout=300)
    t = time.perf_counter()
    conn.request("POST", "/media", body=body, headers=headers)
    resp = conn.getresponse()
    text = resp.read()
    took = time.perf_counter() - t
    conn.close()
    assert resp.status == 200, f"{name}: {resp.status} {text[:300]!r}"
    return took, json.loads(text)["uploaded"][0]["id"]


def memory_mb(pid, field):
    """`VmHWM` (the peak) or `VmRSS` (now) of a process, in MB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) // 1024
    return 0


def hammer(path, seconds, clients, cookies, ranged=None):
    """`clients` keep-alive connections GETting `path` for `seconds`; (requests/s, MB/s, statuses)."""
    stop = time.time() + seconds
    out = []

    def run(i):
        rnd = random.Random(i)
        conn = http.client.HTTPConnection(HOST, PORT, timeout=60)
        n, nbytes, statuses = 0, 0, {}
        while time.time() < stop:
            headers = {"Cookie": cookies}
            if ranged:
                start_at = rnd.randrange(0, ranged[0] - ranged[1])
                headers["Range"] = f"bytes={start_at}-{start_at + ranged[1] - 1}"
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            nbytes += len(resp.read())
            statuses[resp.status] = statuses.get(resp.status, 0) + 1
            n += 1
        out.append((n, nbytes, statuses))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    t0 = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.time() - t0
    statuses = {}
    for _, _, s in out:
        for k, v in s.items():
            statuses[k] = statuses.get(k, 0) + v
    return {"requests_per_s": round(sum(n for n, _, _ in out) / took),
            "mb_per_s": round(sum(b for _, b, _ in out) / took / 1e6, 1), "statuses": statuses}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/release/plaza")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--database", default="sqlite")
    args = ap.parse_args()

    _, env = fresh_site("plaza-media-", args.database, PLAZA_MEDIA_DAILY_MB="0", PLAZA_MEDIA_SITE_GB="0",
                        PLAZA_MEDIA_IMAGE_MB="200", PLAZA_MEDIA_AUDIO_MB="200")
    proc = start(args.binary, env)
    try:
        admin = Client()
        status, _, _ = admin.post("/setup", [("username", "mediaadmin"), ("email", "mediaadmin@example.com"),
                                             ("password", PASSWORD)])
        assert status == 303, f"setup answered {status}"
        cookies = "; ".join(f"{k}={v}" for k, v in admin.cookies.items())
        # The token of the admin's session (the one fetched before logging in was the visitor's).
        admin.token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', admin.get("/media")[2]).group(1)
        result = {"machine": f"{os.cpu_count()} cores", "database": args.database.split("?")[0]}

        # A first small upload warms the server (encoder tables, the connection pool).
        upload(admin, "warm.jpg", photo(0.5, 0)[0], "image/jpeg")
        hwm_before = memory_mb(proc.pid, "VmHWM")
        rss_before = memory_mb(proc.pid, "VmRSS")

        pictures = {}
        for mp in [1, 4, 12, 24]:
            times = []
            for seed in range(3):
                data, pixels = photo(mp, seed + 1)
                took, _ = upload(admin, f"p{mp}-{seed}.jpg", data, "image/jpeg")
                times.append(took)
            med = statistics.median(times)
            pictures[f"{mp} MP"] = {"jpeg_mb": round(len(data) / 1e6, 1), "median_s": round(med, 2),
                                    "s_per_megapixel": round(med / (pixels / 1e6), 3)}
        hwm_mid = memory_mb(proc.pid, "VmHWM")
        times = []
        for seed in range(3):
            data, pixels = photo(48, seed + 10)
            took, _ = upload(admin, f"p48-{seed}.jpg", data, "image/jpeg")
            times.append(took)
        med = statistics.median(times)
        pictures["48 MP"] = {"jpeg_mb": round(len(data) / 1e6, 1), "median_s": round(med, 2),
                             "s_per_megapixel": round(med / (pixels / 1e6), 3)}
        result["pictures"] = pictures
        result["memory_mb"] = {"rss_after_warmup": rss_before, "peak_after_warmup": hwm_before,
                               "peak_after_24mp": hwm_mid, "peak_after_48mp": memory_mb(proc.pid, "VmHWM"),
                               "rss_at_end": memory_mb(proc.pid, "VmRSS")}

        sound = mp3(64)
        times = []
        sound_id = None
        for i in range(5):
            took, sound_id = upload(admin, f"talk{i}.mp3", sound + i.to_bytes(4, "big"), "audio/mpeg")
            times.append(took)
        result["sound_upload"] = {"mb": round(len(sound) / 1e6, 1), "median_s": round(statistics.median(times), 2),
                                  "mb_per_s": round(len(sound) / 1e6 / statistics.median(times))}

        small = [photo(0.5, 100 + i)[0] for i in range(40)]
        lock = threading.Lock()
        queue = list(enumerate(small))

        def small_worker():
            c = Client()
            c.cookies = dict(admin.cookies)
            c.token = admin.token
            while True:
                with lock:
                    if not queue:
                        return
                    i, data = queue.pop()
                upload(c, f"small{i}.jpg", data, "image/jpeg")

        t0 = time.time()
        threads = [threading.Thread(target=small_worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        result["small_photos_4_clients"] = {"uploads": len(small),
                                            "uploads_per_s": round(len(small) / (time.time() - t0), 1)}

        path = f"/media/{sound_id}"
        result["serving_8_clients"] = {
            "robots_txt": hammer("/robots.txt", args.seconds, 8, cookies),
            "ranges_256kb": hammer(path, args.seconds, 8, cookies, ranged=(len(sound), 256 * 1024)),
            "whole_64mb_file": hammer(path, args.seconds, 8, cookies),
        }
        print(json.dumps(result, indent=2))
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
