"""Open every page of the built course site in headless Chromium and check what a reader sees.

    python scripts/check_site.py SITE_DIR --executed DIR [--screenshots DIR] [--chromium PATH]

run by ``.venv-site``'s Python (playwright, driving Debian's ``chromium``; playwright's own
browser downloads are never used). The site is served by a local HTTP server on 127.0.0.1, as
GitHub Pages serves it. Every page must:

- load with no JavaScript error (an uncaught exception or an error on the console);
- make no request that leaves the machine (each is blocked and reported), and every request
  it makes must succeed;
- show every ``<img>`` (its natural width above 0), and render its math with the local MathJax;
- on a notebook page, show at least as many figures as the executed notebook holds image
  outputs (``--executed``: the notebooks as they ran, ``build/site/<setting>/executed``);
- link only to pages, files and anchors that exist in the site.

The search page must find a word of the course. ``--screenshots DIR`` saves the home page and
the first notebook page (the top, and its first figure). Exit status 1 when a check fails.
"""

import argparse
import functools
import http.server
import json
import re
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from playwright.sync_api import sync_playwright

IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")
SEARCH_WORD = "discriminator"
LOCAL_SCHEMES = ("data", "blob", "about")
PAGE_TIMEOUT_MS = 30_000


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder):
    """A local HTTP server of ``folder`` in a thread; return ``(server, base URL)``."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def figures_drawn(notebook):
    """How many image outputs the executed notebook at ``notebook`` holds."""
    cells = json.loads(notebook.read_text())["cells"]
    return sum(any(kind in output.get("data", {}) for kind in IMAGE_TYPES)
               for cell in cells if cell["cell_type"] == "code"
               for output in cell.get("outputs", []))


@functools.lru_cache(maxsize=None)
def anchors(path):
    """The ids and names an HTML file defines."""
    return set(re.findall(r'\b(?:id|name)="([^"]+)"', path.read_text(errors="replace")))


def link_problems(site, page_url, base, hrefs):
    """The internal links among ``hrefs`` (as found on ``page_url``) that resolve to nothing."""
    problems = []
    for href in sorted(set(hrefs)):
        target = urlsplit(urljoin(page_url, href))
        if target.scheme in ("http", "https") and not (target.scheme + "://" + target.netloc +
                                                        "/").startswith(base):
            continue  # an external link: followed by the reader, not loaded with the page
        if target.scheme not in ("http", "https"):
            continue  # mailto: and the like
        path = site / unquote(target.path.lstrip("/"))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            problems.append(f"link {href!r} resolves to nothing ({path.relative_to(site)})")
        elif target.fragment and path.suffix == ".html" and \
                unquote(target.fragment) not in anchors(path):
            problems.append(f"link {href!r}: no anchor #{target.fragment} in "
                            f"{path.relative_to(site)}")
    return problems


def check_page(page, site, base, url, executed):
    """Load ``url`` in ``page``; return the list of what is wrong with it."""
    problems, left, failed = [], [], []

    def route(route):
        scheme = urlsplit(route.request.url).scheme
        if route.request.url.startswith(base) or scheme in LOCAL_SCHEMES:
            route.continue_()
        else:
            left.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("requestfailed", lambda request: failed.append(
        f"{request.url} ({request.failure})"))
    page.on("response", lambda response: failed.append(f"{response.url} (HTTP {response.status})")
            if response.status >= 400 else None)
    page.goto(url, wait_until="load", timeout=PAGE_TIMEOUT_MS)
    # lazy images load only when scrolled to: ask for them all, then wait for each
    page.evaluate("document.querySelectorAll('img').forEach(img => img.loading = 'eager')")
    page.wait_for_load_state("networkidle", timeout=PAGE_TIMEOUT_MS)
    page.wait_for_function("[...document.images].every(img => img.complete)",
                           timeout=PAGE_TIMEOUT_MS)
    has_math = page.evaluate("document.querySelectorAll('.math').length")
    if has_math:
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise",
                               timeout=PAGE_TIMEOUT_MS)
        page.evaluate("MathJax.startup.promise")
        rendered = page.evaluate("document.querySelectorAll('mjx-container').length")
        if rendered == 0:
            problems.append(f"{has_math} math element(s), none rendered by MathJax")
    broken = page.evaluate("[...document.images].filter(img => !(img.naturalWidth > 0))"
                           ".map(img => img.getAttribute('src'))")
    problems += [f"image {src!r} does not load" for src in broken]
    problems += [f"request leaves the machine: {request}" for request in left]
    problems += [f"request failed: {request}" for request in failed]
    relative = urlsplit(url).path.lstrip("/")
    if relative.startswith("notebooks/") and relative.endswith(".html"):
        notebook = executed / relative.replace(".html", ".ipynb")
        shown = page.evaluate("document.querySelectorAll('.cell_output img').length")
        if not notebook.is_file():
            problems.append(f"no executed notebook {notebook} to count its figures")
        elif shown < figures_drawn(notebook):
            problems.append(f"shows {shown} figure(s); the notebook draws "
                            f"{figures_drawn(notebook)}")
        colab = page.evaluate("[...document.links].filter(a => a.textContent.trim() === "
                              "'Open in Colab' && a.href.startsWith("
                              "'https://colab.research.google.com/github/')).length")
        download = page.evaluate("[...document.links].filter(a => a.href.endsWith('.ipynb') && "
                                 "a.href.includes('/_downloads/')).length")
        if not colab:
            problems.append("no 'Open in Colab' link")
        if not download:
            problems.append("no link that downloads the .ipynb")
    hrefs = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
    problems += link_problems(site, url, base, hrefs)
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built site (scripts/build_site.sh OUT_DIR)")
    parser.add_argument("--executed", type=Path, required=True,
                        help="the executed notebooks (build/site/<setting>/executed)")
    parser.add_argument("--screenshots", type=Path, help="folder for two screenshots")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium",
                        help="the browser (default: Debian's chromium)")
    args = parser.parse_args(argv)
    site = args.site.resolve()
    pages = sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html")
                   if not path.relative_to(site).as_posix().startswith("_"))
    notebooks = sorted(path.relative_to(args.executed).with_suffix(".html").as_posix()
                       for path in args.executed.glob("notebooks/*.ipynb"))
    if "index.html" not in pages:
        parser.error(f"{site} holds no site (no index.html)")
    report = {page: [] for page in pages}
    for name in notebooks:
        if name not in report:
            report[name] = ["the notebook was executed but has no page"]
    server, base = serve(site)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium,
                                             args=["--no-sandbox"])
        for name in pages:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda error: errors.append(f"JavaScript error: {error}"))
            page.on("console", lambda message: errors.append(
                f"console error: {message.text}") if message.type == "error" else None)
            try:
                report[name] += check_page(page, site, base, base + name, args.executed)
            except Exception as error:  # a timeout, a crash: the page fails, the others go on
                report[name].append(f"{type(error).__name__}: {error}")
            report[name] += errors
            if name == "search.html":
                page.goto(base + f"search.html?q={SEARCH_WORD}")
                try:
                    page.wait_for_function("document.querySelectorAll('#search-results li')"
                                           ".length > 0", timeout=PAGE_TIMEOUT_MS)
                except Exception:
                    report[name].append(f"searching for {SEARCH_WORD!r} finds nothing")
            if args.screenshots and (name == "index.html" or name == (notebooks or [""])[0]):
                args.screenshots.mkdir(parents=True, exist_ok=True)
                stem = Path(name).stem
                page.evaluate("window.scrollTo(0, 0)")
                page.screenshot(path=args.screenshots / f"{stem}.png")
                figure = page.query_selector(".cell_output img")
                if figure is not None:
                    figure.scroll_into_view_if_needed()
                    page.screenshot(path=args.screenshots / f"{stem}-figure.png")
            context.close()
        browser.close()
    server.shutdown()
    failed = {name: problems for name, problems in report.items() if problems}
    for name in sorted(report):
        print(f"{'FAIL' if name in failed else 'ok  '} {name}")
        for problem in failed.get(name, []):
            print(f"       {problem}")
    print(f"{len(report) - len(failed)} of {len(report)} page(s) pass "
          f"({len(notebooks)} notebook page(s) against their executed notebooks)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
