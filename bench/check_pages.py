#!/usr/bin/env python3
"""Every page through the real checkers: the Nu Html Checker (vnu) for valid HTML and axe-core in
Debian's Chromium for accessibility, as a visitor, members, an employee and an admin, in English
and in Chinese, on a demo site with moderation in use (a flag, a suspension, a crisis statement,
watched words, a keyword alert, an ignored member's reply).

Setup, once per machine (nothing here is committed or needed by `cargo test`):
  apt-get install -y chromium fonts-noto-cjk
  npm install --prefix /tmp/qa-tools vnu-jar axe-core playwright-core

Usage:
  bench/check_pages.py --binary target/debug/plaza [--tools /tmp/qa-tools] [--only REGEX]
                       [--per-pattern 2] [--max-pages 120] [--keep DIR] [--no-axe] [--no-vnu]
                       [--no-overflow] [--screenshots DIR [--shot-widths 320,390,1280]
                       [--shot-schemes light,dark]]

It builds a fresh SQLite site (`plaza seed-demo`) in a temporary directory, serves it on
127.0.0.1:8099 and crawls it from `/` as each reader (same-site links only, at most
--per-pattern pages per address shape, numbers and slugs folded). Every HTML page is saved and
checked by vnu (errors only); every page is loaded in Chromium and checked by axe-core (WCAG 2.1
A/AA rules) at 1280 px, and again at 320 px, where a page wider than the screen (sideways
scrolling; a table that scrolls inside its own box is allowed) is a problem. --only keeps the pages whose path matches REGEX. Prints each problem with its page
and reader; exits 1 if there is any.
"""
import argparse
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

import requests

HOST, PORT = "127.0.0.1", 8099
BASE = f"http://{HOST}:{PORT}"
PASSWORD = "plaza-demo-2026"
SKIP = re.compile(
    r"^/(logout|static/|media/\d+/|magazine/reads/|notifications/\d+/open|settings/account/export)"
    r"|\.(xml|json|atom|rss|epub|svg|ico|txt|png|jpg|webp)$|/feed\b|[?&](msg|sent)="
)

AXE_JS = r"""
const { chromium } = require('playwright-core');
const fs = require('fs');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// What sticks out past the right edge of a page narrower than it: the outermost elements that do,
// unless a box of theirs scrolls or clips (a table scrolling in its own box is allowed).
function overflow() {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const b = el.getBoundingClientRect();
    if (b.width === 0 || b.right <= width + 1 || clipped(el)) continue;
    const parent = el.parentElement.getBoundingClientRect();
    if (el.parentElement !== document.body && parent.right > width + 1 && !clipped(el.parentElement)) continue;
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.classList.length ? '.' + [...el.classList].join('.') : '');
    out.push(`${name} to ${Math.round(b.right)}px`);
    if (out.length === 4) break;
  }
  // Text that runs past its box (a long word or address) is no element's own width.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n && out.length < 4; n = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(n);
    const b = range.getBoundingClientRect();
    const own = getComputedStyle(n.parentElement).overflowX !== 'visible';
    if (b.right > width + 1 && !own && !clipped(n.parentElement))
      out.push(`text "${n.textContent.trim().slice(0, 40)}" in ${n.parentElement.tagName.toLowerCase()} to ${Math.round(b.right)}px`);
  }
  return { scrollWidth: document.documentElement.scrollWidth, width, elements: out };
}

(async () => {
  const jobs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const passes = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const out = [];
  for (const reader of jobs) {
    for (const pass of passes) {
      const context = await browser.newContext({ locale: reader.locale, bypassCSP: true,
        viewport: { width: pass.width, height: 900 }, colorScheme: pass.scheme,
        extraHTTPHeaders: { 'Accept-Language': reader.locale } });
      if (reader.cookies.length) await context.addCookies(reader.cookies);
      const page = await context.newPage();
      for (const url of reader.urls) {
        try {
          await page.goto(url, { waitUntil: 'load' });
          if (pass.shots) {
            const name = reader.name + url.replace(/^[a-z]+:\/\/[^/]*/, '').replace(/[^A-Za-z0-9]+/g, '_').slice(0, 80);
            await page.screenshot({ path: `${pass.shots}/${pass.width}-${pass.scheme}-${name}.png`, fullPage: true });
          }
          if (pass.overflow) {
            const o = await page.evaluate(overflow);
            if (o) out.push({ reader: reader.name, url, id: `overflow-${pass.width}px`, impact: 'layout',
              help: `the page is ${o.scrollWidth}px wide on a ${o.width}px screen`, nodes: o.elements });
          }
          if (pass.axe) {
            await page.addScriptTag({ content: axeSource });
            const r = await page.evaluate(() => axe.run(document,
              { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
            for (const v of r.violations)
              out.push({ reader: reader.name, url, id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) });
          }
        } catch (e) {
          out.push({ reader: reader.name, url, id: 'load-error', help: String(e), nodes: [] });
        }
      }
      await context.close();
    }
  }
  await browser.close();
  fs.writeFileSync(process.argv[4], JSON.stringify(out));
})();
"""


class Forms(html.parser.HTMLParser):
    """The forms of a page with what a browser would send untouched."""

    def __init__(self):
        super().__init__()
        self.forms, self.form, self.select, self.textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.form = {"action": a.get("action", ""), "enctype": a.get("enctype", ""), "fields": {}}
            self.forms.append(self.form)
        elif self.form is None or "name" not in a and tag != "option":
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.form["fields"][a["name"]] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self.form["fields"][a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = a["name"]
            self.form["fields"][a["name"]] = ""
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select:
            if "selected" in a or self.select not in self.form["fields"]:
                self.form["fields"][self.select] = a.get("value", "")

    def handle_data(self, data):
        if self.textarea and self.form is not None:
            self.form["fields"][self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def submit(s, page, action, fields):
    """Fills in the form whose action matches `action` on `page` and sends it, as a browser would."""
    r = s.get(BASE + page)
    parser = Forms()
    parser.feed(r.text)
    form = next((f for f in parser.forms if re.search(action, f["action"])), None)
    if form is None:
        sys.exit(f"no form matching {action!r} on {page} ({r.status_code})")
    data = dict(form["fields"])
    data.update(fields)
    url = urllib.parse.urljoin(BASE + page, form["action"])
    if "multipart" in form["enctype"]:
        # A tuple is a file: (name, bytes, type).
        return s.post(url, files={k: (v if isinstance(v, tuple) else (None, v)) for k, v in data.items()})
    return s.post(url, data=data)


def login(name, locale="en-US"):
    s = requests.Session()
    s.headers["Accept-Language"] = locale
    if name:
        r = submit(s, "/login", r"^/login", {"login": name, "password": PASSWORD})
        # A sign-in that worked leaves the login page (a redirect, followed); one that failed stays.
        if r.status_code != 200 or urllib.parse.urlsplit(r.url).path == "/login":
            sys.exit(f"could not log in as {name}: {r.status_code} at {r.url}")
    return s


def shape(path):
    """An address with its numbers and slugs folded, so that one page of each kind is enough."""
    p = urllib.parse.urlsplit(path)
    parts = [re.sub(r"^\d+(-.*)?$", "N", x) for x in p.path.split("/")]
    if len(parts) >= 3 and parts[1] in ("u", "tags", "blogs", "blog", "forums", "magazine"):
        parts[2:] = [x if x in ("new", "feed", "adopted", "products", "review", "calls") else "S" for x in parts[2:]]
    keys = sorted(urllib.parse.parse_qs(p.query).keys())
    return "/".join(parts) + ("?" + "&".join(keys) if keys else "")


def crawl(s, start, per_pattern, max_pages, only):
    seen, shapes, queue, pages = set(), {}, list(start), {}
    while queue and len(pages) < max_pages:
        path = queue.pop(0)
        if path in seen or SKIP.search(path):
            continue
        seen.add(path)
        k = shape(path)
        if shapes.get(k, 0) >= per_pattern and path not in start:
            continue
        shapes[k] = shapes.get(k, 0) + 1
        r = s.get(BASE + path, allow_redirects=False)
        if r.status_code != 200 or "text/html" not in r.headers.get("content-type", ""):
            continue
        if only is None or only.search(path):
            pages[path] = r.text
        for href in re.findall(r'href="([^"#]+)', r.text):
            href = href.replace("&amp;", "&")
            u = urllib.parse.urlsplit(urllib.parse.urljoin(BASE + path, href))
            if f"{u.scheme}://{u.netloc}" == BASE:
                queue.append(u.path + ("?" + u.query if u.query else ""))
    return pages


def first(pattern, text, what):
    m = re.search(pattern, text)
    if not m:
        sys.exit(f"could not find {what}")
    return m.group(1)


def png(width, height, rgb):
    """A plain picture (the site's logo and favicon in the scene), made without any library."""
    import struct
    import zlib
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def set_scene(readers):
    """Moderation in use: a flag, a suspension, a statement, words, an alert, an ignored reply."""
    admin, jsmith, lina, alice = readers["admin"], readers["member"], readers["member-zh"], readers["employee"]
    forums = jsmith.get(BASE + "/forums").text
    topic, page = None, ""
    for board in dict.fromkeys(re.findall(r'href="(/forums/[^"/?#]+)"', forums)):
        for t in re.findall(r'href="(' + re.escape(board) + r'/\d+[^"/?#]*)"', jsmith.get(BASE + board).text):
            page = jsmith.get(BASE + t).text
            if "/replies" in page:
                topic = t
                break
        if topic:
            break
    if topic is None:
        sys.exit("no topic a member can reply to")
    content = first(r"/flag/content/(\d+)", page, "a flag link on " + topic)
    submit(jsmith, f"/flag/content/{content}", r"^/flag/", {"reason": "spam", "note": "Looks like an advert."})
    r = submit(jsmith, topic, r"/replies$", {"body": "A reply that lina has chosen to ignore."})
    assert r.status_code == 200, r.status_code
    submit(lina, "/u/jsmith", r"/mute$", {"level": "ignore"})
    tom = first(r"/mod/users/(\d+)", admin.get(BASE + "/u/tom_becker").text, "tom's moderation page")
    submit(admin, f"/mod/users/{tom}", rf"^/mod/users/{tom}$",
           {"member": "suspend", "message": "Repeated advertising after two warnings.", "length": "7d"})
    submit(admin, "/admin/statement", r"^/admin/statement$",
           {"text_en": "We know about the sign-in outage and are fixing it.", "text_zh": "我们已知登录故障，正在修复。"})
    r = submit(admin, "/admin/site", r"^/admin/site$", {
        "logo": ("logo.png", png(160, 40, (181, 23, 111)), "image/png"),
        "favicon": ("icon.png", png(64, 64, (181, 23, 111)), "image/png"),
        "accent": "#b5176f",
        "footer_en": "ACME Ltd · 1 Harbour Street, Shanghai · [Terms](/blog) · [Privacy](/blog)",
        "footer_zh": "ACME 有限公司 · 上海港口街 1 号 · [条款](/blog)",
        "sections": "company\nmagazine\nforums\nstaff\ncommunity\ntags\nfollow",
    })
    if "saved=1" not in r.url:
        sys.exit(f"the site's look was not saved: {r.status_code} {r.url}")
    submit(admin, "/mod/words", r"^/mod/words$", {"pattern": "退款", "kind": "word", "action": "hold"})
    submit(alice, "/alerts", r"^/alerts$", {"word": "refund"})
    return [topic, "/mod", "/mod/log", f"/mod/content/{content}", f"/mod/content/{content}/edit",
            f"/mod/content/{content}/move", f"/mod/content/{content}/merge", f"/mod/users/{tom}",
            "/mod/words", "/mod/settings", "/admin/statement", "/admin/site", "/alerts", "/settings/muted", "/appeal"]


def suspended_page(locale):
    """What tom_becker sees when he tries to sign in (why, until when) and his appeal link."""
    s = requests.Session()
    s.headers["Accept-Language"] = locale
    r = submit(s, "/login", r"^/login", {"login": "tom_becker", "password": PASSWORD})
    if "appeal" not in r.text:
        sys.exit(f"tom_becker's sign-in did not show the suspension ({r.status_code} {r.url})")
    appeal = first(r'href="(/appeal\?token=[^"]+)"', r.text, "the appeal link on the suspended sign-in page")
    return r.text, appeal.replace("&amp;", "&")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--tools", default="/tmp/qa-tools")
    ap.add_argument("--only")
    ap.add_argument("--per-pattern", type=int, default=2)
    ap.add_argument("--max-pages", type=int, default=120)
    ap.add_argument("--keep")
    ap.add_argument("--no-axe", action="store_true")
    ap.add_argument("--no-vnu", action="store_true")
    ap.add_argument("--no-overflow", action="store_true")
    ap.add_argument("--screenshots", help="a directory for full-page PNGs of every page")
    ap.add_argument("--shot-widths", default="1280", help="widths to take screenshots at, e.g. 320,390,1280")
    ap.add_argument("--shot-schemes", default="light", help="colour schemes for screenshots: light,dark")
    args = ap.parse_args()
    only = re.compile(args.only) if args.only else None
    work = args.keep or tempfile.mkdtemp(prefix="plaza-check-")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, "html"))
    env = dict(os.environ, PLAZA_DATA_DIR=os.path.join(work, "data"), PLAZA_BIND=f"{HOST}:{PORT}",
               PLAZA_BASE_URL=BASE, PLAZA_FORM_MIN_SECONDS="0", RUST_LOG="warn")
    subprocess.run([args.binary, "seed-demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([args.binary], env=env, stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                if requests.get(BASE + "/healthz").status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        readers = {
            "visitor": login(None), "visitor-zh": login(None, "zh-CN"), "member": login("jsmith"),
            "member-zh": login("lina", "zh-CN"), "employee": login("alice"), "admin": login("siteadmin"),
            "admin-zh": login("siteadmin", "zh-CN"),
        }
        extra = set_scene(readers)
        docs, jobs = [], []
        for name, s in readers.items():
            start = ["/"] + ([p for p in extra if name in ("admin", "admin-zh", "member-zh", "employee")])
            pages = crawl(s, start, args.per_pattern, args.max_pages, only)
            files = []
            if name.startswith("visitor"):
                # The sign-in answer a suspended member gets (a POST's page: Chromium opens a saved
                # copy, its links resolved against the site), and the appeal page it leads to.
                text, appeal = suspended_page(s.headers["Accept-Language"])
                pages["/login#suspended"] = text
                pages.update(crawl(s, [appeal], 1, 1, None))
                copy = os.path.join(work, f"{name}-suspended.html")
                with open(copy, "w") as f:
                    f.write(text.replace("<head>", f'<head><base href="{BASE}/">', 1))
                files.append("file://" + copy)
            for i, (path, text) in enumerate(pages.items()):
                file = os.path.join(work, "html", f"{name}-{i:03}.html")
                with open(file, "w") as f:
                    f.write(text)
                docs.append((file, name, path))
            cookies = [{"name": c.name, "value": c.value, "domain": HOST, "path": "/"} for c in s.cookies]
            jobs.append({"name": name, "locale": s.headers["Accept-Language"], "cookies": cookies,
                         "urls": [BASE + p for p in pages if "#" not in p] + files})
            print(f"{name}: {len(pages)} pages", file=sys.stderr)
        problems = 0
        if not args.no_vnu:
            jar = os.path.join(args.tools, "node_modules/vnu-jar/build/dist/vnu.jar")
            r = subprocess.run(["java", "-jar", jar, "--errors-only", "--format", "json", os.path.join(work, "html")],
                               capture_output=True, text=True)
            where = {f"file:{d[0]}": d for d in docs}
            for m in json.loads(r.stderr or '{"messages": []}')["messages"]:
                d = where.get(m.get("url"), (m.get("url"), "?", "?"))
                print(f"vnu  {d[1]:10} {d[2]}  line {m.get('lastLine')}: {m['message']}")
                problems += 1
            print(f"vnu: {len(docs)} documents, {problems} errors", file=sys.stderr)
        # Chromium passes: axe at 1280 px (light), the overflow check at 320 px, and screenshots.
        passes = []
        if not args.no_axe:
            passes.append({"width": 1280, "scheme": "light", "axe": True})
        if not args.no_overflow:
            passes.append({"width": 320, "scheme": "light", "overflow": True})
        if args.screenshots:
            os.makedirs(args.screenshots, exist_ok=True)
            for width in [int(w) for w in args.shot_widths.split(",")]:
                for scheme in args.shot_schemes.split(","):
                    same = [p for p in passes if p["width"] == width and p["scheme"] == scheme]
                    if same:
                        same[0]["shots"] = args.screenshots
                    else:
                        passes.append({"width": width, "scheme": scheme, "shots": args.screenshots})
        if passes:
            with open(os.path.join(work, "axe-jobs.json"), "w") as f:
                json.dump(jobs, f)
            with open(os.path.join(work, "passes.json"), "w") as f:
                json.dump(passes, f)
            with open(os.path.join(work, "axe.js"), "w") as f:
                f.write(AXE_JS)
            subprocess.run(["node", os.path.join(work, "axe.js"), os.path.join(work, "axe-jobs.json"),
                            os.path.join(work, "passes.json"), os.path.join(work, "axe-out.json")],
                           env=dict(os.environ, NODE_PATH=os.path.join(args.tools, "node_modules")), check=True)
            with open(os.path.join(work, "axe-out.json")) as f:
                found = json.load(f)
            for v in found:
                tool = "wide" if v["id"].startswith("overflow") else "axe "
                print(f"{tool} {v['reader']:10} {v['url'].replace(BASE, '')}  {v['id']} ({v.get('impact')}): "
                      f"{v['help']} {v['nodes']}")
            runs = sum(len(j["urls"]) for j in jobs)
            wide = sum(1 for v in found if v["id"].startswith("overflow"))
            if not args.no_axe:
                print(f"axe: {runs} runs, {len(found) - wide} violations", file=sys.stderr)
            if not args.no_overflow:
                print(f"overflow at 320 px: {runs} pages, {wide} too wide", file=sys.stderr)
            problems += len(found)
        return 1 if problems else 0
    finally:
        server.terminate()
        server.wait()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
