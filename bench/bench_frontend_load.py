"""First load of the web clients in headless Chromium (target: the workbench ≤ 2 s), and the
size of what the browser downloads.

    .venv/bin/python bench/bench_frontend_load.py [--runs 7]

Needs frontend/dist (frontend/build.sh) and /usr/bin/chromium. Starts a real server on a
throw-away SQLite database (e2e/server.py: migrate, catalog, the e2e population and, by
default, the 2,000-person demo population of `make run`), warms it with one request, then for
each run opens a fresh browser context (empty cache) and times, from navigation start:
  1. workbench: GET / until the log-in form is on screen (no cookies);
  2. portal (375×812): GET /h5/ until the log-in form is on screen (no cookies);
  3. workbench home, signed in as a doctor: GET / until the "my work" tables are drawn;
  4. person view (logged in, cache warm): GET /persons/<uuid> until the trend chart is drawn;
and prints median and max, the bytes transferred (gzip as served), and the built bundle sizes.
Exits 1 when the median first load of the workbench is over the budget.
"""

import argparse
import gzip
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from e2e.seed import E2E_PASSWORD  # noqa: E402
from e2e.server import CHROMIUM, CHROMIUM_ARGS, DIST, dist_is_built, running_server  # noqa: E402

BUDGET_S = 2.0
TRANSFERRED_JS = """() => performance.getEntriesByType('resource')
    .concat(performance.getEntriesByType('navigation'))
    .reduce((sum, e) => sum + (e.transferSize || 0), 0)"""


def timed_load(context, url: str, ready: str) -> tuple[float, int]:
    """Seconds from the request to ``ready`` being on screen, and the bytes transferred."""
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.locator(ready).first.wait_for(state="visible")
    elapsed = time.perf_counter() - started
    page.wait_for_load_state("networkidle")
    transferred = page.evaluate(TRANSFERRED_JS)
    page.close()
    return elapsed, transferred


def log_in(context, base_url: str, path: str, username: str) -> None:
    page = context.new_page()
    page.goto(base_url + path)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", E2E_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    page.close()


def person_uuid(context, base_url: str) -> str:
    response = context.request.get(base_url + "/api/v1/people/persons/?q=zsf")
    return next(p["uuid"] for p in response.json()["results"] if p["name"] == "周淑芬")


def bundle_sizes() -> list[tuple[str, int, int]]:
    rows = []
    for file in sorted((DIST / "assets").glob("*")):
        if file.suffix not in (".js", ".css"):
            continue
        packed = file.with_name(file.name + ".gz")
        zipped = packed.stat().st_size if packed.exists() else len(gzip.compress(file.read_bytes()))
        rows.append((file.name, file.stat().st_size, zipped))
    return rows


def report(name: str, samples: list[tuple[float, int]]) -> float:
    times = [s[0] for s in samples]
    median = statistics.median(times)
    kib = statistics.median(s[1] for s in samples) / 1024
    print(
        f"  {name:<34} median {median * 1000:6.0f} ms   max {max(times) * 1000:6.0f} ms"
        f"   transferred {kib:6.0f} KiB   median/budget {median / BUDGET_S:.2f}"
    )
    return median


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--demo-persons", type=int, default=2000,
        help="demo population beside the e2e persons (make run seeds 2,000); 0: e2e only",
    )  # fmt: skip
    args = parser.parse_args()
    if not dist_is_built():
        print("frontend/dist is missing: run frontend/build.sh first")
        return 1
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory() as var_dir,
        running_server(Path(var_dir), demo_persons=args.demo_persons) as base_url,
    ):
        urllib.request.urlopen(base_url + "/").read()  # noqa: S310 - warm the server
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            workbench, portal, person = [], [], []
            for _ in range(args.runs):
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                workbench.append(timed_load(context, base_url + "/", "input[name=username]"))
                context.close()
                phone = browser.new_context(
                    viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
                )
                portal.append(timed_load(phone, base_url + "/h5/", "input[name=username]"))
                phone.close()
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            log_in(context, base_url, "/login", "doctor1")
            uuid = person_uuid(context, base_url)
            signed_in = context.storage_state()
            home = []
            for _ in range(args.runs):  # the doctor's home page (my work), empty HTTP cache
                fresh = browser.new_context(
                    viewport={"width": 1440, "height": 900}, storage_state=signed_in
                )
                home.append(timed_load(fresh, base_url + "/", "[data-testid=my-work] table"))
                fresh.close()
            for _ in range(args.runs):
                person.append(
                    timed_load(
                        context, f"{base_url}/persons/{uuid}", "[data-testid=trend-chart] svg"
                    )
                )
            context.close()
            browser.close()

    print(f"First load in headless Chromium, {args.runs} runs each (budget {BUDGET_S:.0f} s):")
    first = report("workbench / (cold cache)", workbench)
    report("portal /h5/ 375x812 (cold cache)", portal)
    report("workbench home, signed in (cold)", home)
    report("person 360° view (logged in, warm)", person)
    rows = bundle_sizes()
    print("\nBuilt bundles (frontend/dist/assets), largest first:")
    for name, raw, zipped in sorted(rows, key=lambda r: -r[1])[:10]:
        print(f"  {name:<44} {raw / 1024:8.1f} KiB   gzip {zipped / 1024:7.1f} KiB")
    total_raw = sum(r[1] for r in rows)
    total_gz = sum(r[2] for r in rows)
    print(f"  {'all JS + CSS':<44} {total_raw / 1024:8.1f} KiB   gzip {total_gz / 1024:7.1f} KiB")
    if first > BUDGET_S:
        print(f"FAIL: workbench first load {first:.2f} s > {BUDGET_S:.0f} s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
