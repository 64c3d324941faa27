"""The planner's page in a real browser: ``streamlit run serve.py`` (as ``make run``), driven by headless Chromium.

What a person sees: the 15 catchments drawn in the map (Leaflet SVG paths with the class
``esr-catchment``), the legend, a site's popup after clicking a cluster and a site, and the
catchment card after clicking a catchment. No internet is needed: Leaflet is inlined.

The test never sleeps a fixed time: it waits for what it expects to see, and for the page's
script runs to finish (Streamlit's ``data-test-script-state`` on the app element, counted by
:data:`RUN_COUNTER_JS`).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from esr_geo import maps
from esr_geo.legend import LABEL_PANE

if TYPE_CHECKING:
    from playwright.sync_api import FrameLocator, Locator, Page

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("ESR_GEO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
START_TIMEOUT_S = 120
MAP_TIMEOUT_MS = 120_000
APP = '[data-testid="stApp"]'

#: Installed in the page before it loads: ``window.__esrRunsDone`` counts the script runs that
#: have ended (the app element's ``data-test-script-state`` leaving ``running``).
RUN_COUNTER_JS = """
window.__esrRunsDone = 0;
new MutationObserver((records) => {
    for (const r of records) if (r.oldValue === 'running') window.__esrRunsDone += 1;
}).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                      attributeFilter: ['data-test-script-state']});
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


@pytest.fixture(scope="module")
def server(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start ``streamlit run serve.py`` (the page, preloaded) on a free port; always stop it at the end."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    env = dict(os.environ)
    env["ESR_GEO_DATA_DIR"] = str(data_dir)
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(REPO / "serve.py"),
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _healthy(url):
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer in {START_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")
            time.sleep(0.25)  # polling the condition above, not a fixed wait
        assert "esr-geo: ready" in log.read_text(), log.read_text()[-3000:]  # preloaded before answering
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)


#: Run in the map's frame: st_folium sends the map's state only when it differs from what it
#: sent last; forgetting that makes the next map event (a move) send the same state again.
REPORT_AGAIN_JS = "() => { window.__GLOBAL_DATA__.previous_data = null; window.map.fire('moveend'); }"


def _runs_done(page: Page) -> int:
    return int(page.evaluate("window.__esrRunsDone"))


def _wait_for_runs(page: Page, after: int) -> None:
    """Wait until a script run has ended since ``_runs_done`` was ``after`` and none is going on."""
    page.wait_for_function(
        """(after) => {
            const app = document.querySelector('APP');
            return window.__esrRunsDone > after && app && app.getAttribute('data-test-script-state') === 'notRunning';
        }""".replace("APP", APP),
        arg=after,
        timeout=MAP_TIMEOUT_MS,
    )


def _idle(page: Page) -> None:
    """Wait until no script run is going on (a click during a run can be lost to the next one)."""
    from playwright.sync_api import expect

    page.wait_for_function(
        """() => {
            const app = document.querySelector('APP');
            return app && app.getAttribute('data-test-script-state') === 'notRunning';
        }""".replace("APP", APP),
        timeout=MAP_TIMEOUT_MS,
    )
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=MAP_TIMEOUT_MS)


def _close_by_typing(page: Page, closing: Locator, typed: str, option_name: str) -> None:
    """Pick one site to close by typing part of its name, once the page is idle, as a person does.

    A rerun the map asks for at the moment of the click can reset the box: then pick it again
    (at most twice more); it must be picked in the end.
    """
    from playwright.sync_api import expect

    for attempt in range(3):
        _idle(page)
        closing.scroll_into_view_if_needed()
        closing.click()
        page.keyboard.type(typed)
        option = page.get_by_role("option", name=re.compile(re.escape(option_name)))
        expect(option).to_be_visible(timeout=MAP_TIMEOUT_MS)
        option.click()
        page.keyboard.press("Escape")
        try:
            expect(closing).to_contain_text(option_name, timeout=30_000)
            return
        except AssertionError:  # what Playwright's expect raises when the time is up
            if attempt == 2:
                raise


def _compare_with_baseline(page: Page, label: str) -> None:
    """Click the comparison's button once the page is idle, and wait for the comparison of ``label``.

    Clicking again (at most twice more) if a rerun the map asked for at the same moment took the
    click, as a person would; the comparison must show in the end.
    """
    from playwright.sync_api import expect

    from esr_geo import i18n

    shown = page.get_by_text(re.compile(rf"^From Baseline .+ to {re.escape(label)}"))
    for _attempt in range(2):
        _idle(page)
        page.get_by_role("button", name=i18n.t("cmp.run", "en"), exact=True).click()
        with contextlib.suppress(AssertionError):  # what Playwright's expect raises when the time is up
            expect(shown).to_be_visible(timeout=30_000)
            return
    _idle(page)
    page.get_by_role("button", name=i18n.t("cmp.run", "en"), exact=True).click()
    expect(shown).to_be_visible(timeout=MAP_TIMEOUT_MS)


def _settled_map(page: Page) -> FrameLocator:
    """Return the map's frame once the page has settled: no script run going on, one map shown.

    While a rerun replaces the map (new inputs), Streamlit briefly shows the old and the new map
    together; a person waits for the page to finish, and so does the test.
    """
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=MAP_TIMEOUT_MS)
    expect(page.locator(MAP_FRAME)).to_have_count(1, timeout=MAP_TIMEOUT_MS)
    return page.frame_locator(MAP_FRAME)


def _clear_point_js() -> str:
    # A point inside the largest catchment path that nothing else covers (for a real mouse click).
    return """
    () => {
        const paths = Array.from(document.querySelectorAll('path.CLASS'));
        paths.sort((a, b) => {
            const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
            return rb.width * rb.height - ra.width * ra.height;
        });
        for (const path of paths) {
            const r = path.getBoundingClientRect();
            for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {
                const x = r.left + r.width * i / 20, y = r.top + r.height * j / 20;
                if (document.elementFromPoint(x, y) === path) return {x: x, y: y};
            }
        }
        return null;
    }
    """.replace("CLASS", maps.CATCHMENT_CLASS)


def test_planner_sees_map_legend_popup_and_card(server: str, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(f"Chromium not found at {CHROMIUM}; install the Debian package chromium (make system-deps).")
    from PIL import Image
    from playwright.sync_api import expect, sync_playwright

    shot = tmp_path / "planner_page.png"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1300})
            page.add_init_script(RUN_COUNTER_JS)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(server, wait_until="domcontentloaded")
            frame = page.frame_locator(MAP_FRAME)
            catchments = frame.locator(f"path.{maps.CATCHMENT_CLASS}")
            expect(catchments).to_have_count(15, timeout=MAP_TIMEOUT_MS)

            legend = frame.locator(".esr-legend")
            expect(legend).to_contain_text("Rollout phase")
            for words in ("Prototype", "Phase 3", "Zone fails", "Service Canada Centre", "(exempt)"):
                expect(legend).to_contain_text(words)

            # A site: open a cluster, then click a single site and read its popup.
            frame.locator(".esr-cluster").first.click()
            site = frame.locator(".esr-site-icon").first
            expect(site).to_be_visible()
            site.click()
            popup = frame.locator(".leaflet-popup-content")
            expect(popup).to_contain_text("Organisation")
            expect(popup).to_contain_text("Service Canada")
            expect(popup).to_contain_text("Location precision")

            # The clicked site can be closed in the scenario panel, which then says what it costs.
            close = page.get_by_role("button", name="Close the site I clicked")
            expect(close).to_be_visible(timeout=MAP_TIMEOUT_MS)
            runs = _runs_done(page)
            close.click()
            expect(page.get_by_text(re.compile(r"^Closing .+ more non-reserve residents"))).to_be_visible(
                timeout=MAP_TIMEOUT_MS
            )

            # A catchment: click it where nothing covers it; the card opens beside the map.
            _wait_for_runs(page, runs)  # the click on the site reruns the page; wait for it to finish
            frame = _settled_map(page)
            expect(frame.locator(f"path.{maps.CATCHMENT_CLASS}")).to_have_count(15, timeout=MAP_TIMEOUT_MS)
            # the closed site, drawn apart on the map (once the rerun's layers reach the map)
            expect(frame.locator(".esr-closed-icon")).to_have_count(1, timeout=MAP_TIMEOUT_MS)
            expect(frame.locator(".esr-legend")).to_contain_text("closed in the scenario")
            popup_close = frame.locator(".leaflet-popup-close-button")
            if popup_close.count():  # the site's popup closes by itself when its marker moves to the closed layer
                popup_close.click()
            page.locator(MAP_FRAME).scroll_into_view_if_needed()  # the closure panel below may have scrolled it away
            point = frame.locator("body").evaluate(_clear_point_js())
            assert point, "no uncovered point in any catchment"
            box = page.locator(MAP_FRAME).bounding_box()
            assert box is not None
            page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
            card = page.get_by_text("English name")
            expect(card).to_be_visible(timeout=MAP_TIMEOUT_MS)
            expect(page.get_by_text("Service system manager (SSM)")).to_be_visible()
            expect(page.get_by_text("Figures for: All of Ontario")).to_have_count(0)
            frame = _settled_map(page)
            expect(frame.locator(f"path.{maps.SELECTED_CLASS}")).to_have_count(1, timeout=MAP_TIMEOUT_MS)
            expect(frame.locator(f"path.{maps.CATCHMENT_CLASS}")).to_have_count(15)

            # Back to all of Ontario: the map's last click (still reported by the map) must not
            # choose the catchment again.
            runs = _runs_done(page)
            page.get_by_role("button", name="Back to all of Ontario").click()
            expect(page.get_by_text("Figures for: All of Ontario")).to_be_visible(timeout=MAP_TIMEOUT_MS)
            _wait_for_runs(page, runs)
            frame = _settled_map(page)
            expect(frame.locator(f"path.{maps.SELECTED_CLASS}")).to_have_count(0, timeout=MAP_TIMEOUT_MS)
            # Make the map report its state again, the last click included (as it does when it is
            # drawn anew), and wait for the rerun that report causes: the catchment must stay unselected.
            runs = _runs_done(page)
            frame.locator("body").evaluate(REPORT_AGAIN_JS)
            _wait_for_runs(page, runs)
            frame = _settled_map(page)
            expect(page.get_by_text("Figures for: All of Ontario")).to_be_visible()
            expect(page.get_by_text("English name")).to_have_count(0)
            expect(frame.locator(f"path.{maps.SELECTED_CLASS}")).to_have_count(0)

            # New sites: suggested sites appear on the map as numbered stars with a popup.
            page.get_by_role("button", name="Suggest sites").click()
            star = f".{maps.SUGGESTION_CLASS}-icon .esr-star"
            newest = page.frame_locator(f"{MAP_FRAME} >> nth=-1")  # the new map, while the old may linger
            expect(newest.locator(star)).to_have_count(3, timeout=MAP_TIMEOUT_MS)
            stars = _settled_map(page).locator(star)
            expect(stars).to_have_count(3)
            expect(stars.first).to_have_text("1")

            # A layer switched off in the layer control stays off when the page changes the map.
            frame = _settled_map(page)
            frame.locator(".leaflet-control-layers").hover()
            sites_box = frame.locator(".leaflet-control-layers-overlays label", has_text="In-person sites").locator(
                "input"
            )
            sites_box.click()
            expect(frame.locator(".esr-cluster")).to_have_count(0)
            runs = _runs_done(page)
            page.get_by_role("button", name="Clear the suggestions").click()
            expect(frame.locator(star)).to_have_count(0, timeout=MAP_TIMEOUT_MS)
            _wait_for_runs(page, runs)
            frame = _settled_map(page)
            expect(frame.locator(".esr-closed-icon")).to_have_count(1)  # its own layer, still on
            expect(sites_box).not_to_be_checked()
            expect(frame.locator(".esr-cluster")).to_have_count(0)
            page.evaluate("() => document.fonts.ready")
            page.screenshot(path=str(shot), full_page=True)
            assert not errors, errors
        finally:
            browser.close()

    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50, f"screenshot {shot} looks blank ({len(colours)} colours)"
    out = os.environ.get("ESR_GEO_SCREENSHOT")
    if out:
        shutil.copy(shot, out)


# --------------------------------------------------------------------------------------
# Issue 13: a laptop (1,024 x 768), a phone (390 px), a shared link, the legend, the south


def _overlapping_labels_js() -> str:
    # Pairs of catchment names drawn on top of each other (the map's labels must never collide).
    return """
    () => {
        const boxes = Array.from(document.querySelectorAll('.esr-label span'))
            .map(s => s.getBoundingClientRect()).filter(r => r.width > 0);
        let pairs = 0;
        for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i], b = boxes[j];
            if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) pairs++;
        }
        return {shown: boxes.length, pairs: pairs};
    }
    """


def test_laptop_phone_link_legend_and_south(server: str, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(f"Chromium not found at {CHROMIUM}; install the Debian package chromium (make system-deps).")
    from PIL import Image
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect, sync_playwright

    from esr_geo import i18n

    shots = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1024, "height": 768})
            page.add_init_script(RUN_COUNTER_JS)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(server, wait_until="domcontentloaded")
            frame = _settled_map(page)
            expect(frame.locator(f"path.{maps.CATCHMENT_CLASS}")).to_have_count(15, timeout=MAP_TIMEOUT_MS)
            assert page.title() == i18n.t("app.tab_title", "en")

            # 1,024 px: no headline figure is cut, the timeline's years all fit.
            values = page.get_by_test_id("stMetricValue")
            expect(values).to_have_count(4)
            for i in range(4):
                assert values.nth(i).evaluate("e => e.scrollWidth <= e.clientWidth + 1"), values.nth(i).inner_text()
            assert "…" not in values.first.inner_text()
            charts = page.locator('[data-testid="stVegaLiteChart"]')
            expect(charts.first).to_be_visible()
            for i in range(charts.count()):
                assert charts.nth(i).evaluate("e => e.scrollWidth <= e.clientWidth + 1")
            shots.append(tmp_path / "laptop_en.png")
            page.screenshot(path=str(shots[-1]))

            # The legend starts folded on a map this narrow; folded or opened, it stays so across
            # the page's updates and the next visit.
            toggle = frame.locator(".esr-legend-toggle")
            expect(toggle).to_have_attribute("aria-expanded", "false")
            toggle.click()
            expect(toggle).to_have_attribute("aria-expanded", "true")
            box = frame.locator(".esr-legend").bounding_box()
            map_box = page.locator(MAP_FRAME).bounding_box()
            assert box is not None and map_box is not None
            assert box["width"] * box["height"] < 0.25 * map_box["width"] * map_box["height"]  # compact
            toggle.click()
            expect(toggle).to_have_attribute("aria-expanded", "false")
            runs = _runs_done(page)
            threshold = page.get_by_test_id("stNumberInputField").first
            threshold.fill("45")
            threshold.press("Enter")
            expect(frame.locator(".esr-legend")).to_contain_text("45 km", timeout=MAP_TIMEOUT_MS)
            _wait_for_runs(page, runs)
            expect(_settled_map(page).locator(".esr-legend-toggle")).to_have_attribute("aria-expanded", "false")

            # The South button fits the southern catchments; no two names overlap.
            frame = _settled_map(page)
            page.locator(MAP_FRAME).scroll_into_view_if_needed()
            frame.locator(".esr-view", has_text=i18n.t("map.south", "en")).click()
            handle = page.locator(MAP_FRAME).element_handle()
            map_frame = handle.content_frame() if handle is not None else None
            assert map_frame is not None
            # the fit is animated: wait until the Far North is out of view and the zoom has ended
            map_frame.wait_for_function(
                "() => window.map.getBounds().getNorth() < 49.5 && !window.map._animatingZoom",
                timeout=MAP_TIMEOUT_MS,
            )
            # ... and, once the labels are arranged for the zoom shown (the pane says for which) and
            # the page has settled, no two names overlap
            arranged = (
                "() => { const p = window.map.getPane(LABEL_PANE);"
                " return !!p && p.getAttribute('data-esr-arranged') === String(window.map.getZoom())"
                " && (OVERLAPS)().pairs === 0; }"
            ).replace("LABEL_PANE", json.dumps(LABEL_PANE)).replace("OVERLAPS", _overlapping_labels_js().strip())
            with contextlib.suppress(PlaywrightTimeout):  # the assertion below says what is wrong
                map_frame.wait_for_function(arranged, timeout=MAP_TIMEOUT_MS)
            labels = frame.locator("body").evaluate(_overlapping_labels_js())
            assert labels["pairs"] == 0 and labels["shown"] >= 8, labels

            # Sites to close, by typing: only names containing the text, no "select all matches".
            closing = page.get_by_test_id("stMultiSelect").first
            closing.scroll_into_view_if_needed()
            closing.click()
            page.keyboard.type("Kenora")
            options = page.get_by_role("option")
            expect(options.first).to_be_visible(timeout=MAP_TIMEOUT_MS)
            texts = options.all_inner_texts()
            assert texts and all("kenora" in t.lower() for t in texts), texts
            assert not any(re.match(r"Select \d+", t) for t in texts), texts
            page.keyboard.press("Escape")

            # A shared link opens the same view, in French.
            link = f"{server}/?lang=fr&date=2024-06-01&catchment=northwest&threshold=40"
            page.goto(link, wait_until="domcontentloaded")
            frame = _settled_map(page)
            expect(frame.locator(f"path.{maps.SELECTED_CLASS}")).to_have_count(1, timeout=MAP_TIMEOUT_MS)
            expect(page.get_by_text("Personnes à plus de 40 km")).to_be_visible()
            expect(page.get_by_text("Chiffres pour : Nord-Ouest")).to_be_visible()
            expect(page.get_by_text("Déploiement au 1er juin 2024").first).to_be_visible()
            assert page.title() == i18n.t("app.tab_title", "fr")
            expect(frame.locator(".esr-legend-toggle")).to_have_attribute("aria-expanded", "false")  # remembered
            shots.append(tmp_path / "laptop_fr.png")
            page.screenshot(path=str(shots[-1]))
            assert not errors, errors

            # A phone: the sidebar starts folded away, the page is readable.
            phone = browser.new_page(viewport={"width": 390, "height": 844})
            phone.goto(server, wait_until="domcontentloaded")
            _settled_map(phone)
            expect(phone.locator('[data-testid="stSidebar"]')).to_have_attribute("data-collapsed", "true")
            title = phone.locator("h1").bounding_box()
            assert title is not None and title["x"] < 40  # the page, not the sidebar, fills the screen
            shots.append(tmp_path / "phone.png")
            phone.screenshot(path=str(shots[-1]))
        finally:
            browser.close()

    for shot in shots:
        colours = Image.open(shot).convert("RGB").getcolors(maxcolors=1 << 20) or []
        assert len(colours) > 50, f"screenshot {shot} looks blank ({len(colours)} colours)"


# --------------------------------------------------------------------------------------
# Issue 13: a workspace saved, the page reloaded, the workspace opened again


def test_a_saved_workspace_reopens_after_a_reload(server: str, tmp_path: Path) -> None:
    """Close a site, save it as a named scenario, save the workspace; reload; open it; the scenario is back."""
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(f"Chromium not found at {CHROMIUM}; install the Debian package chromium (make system-deps).")
    from playwright.sync_api import expect, sync_playwright

    from esr_geo import i18n

    def t(key: str, **fields: object) -> str:
        return i18n.t(key, "en", **fields)

    saved = tmp_path / "my_plan.gpkg"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1300}, accept_downloads=True)
            page.add_init_script(RUN_COUNTER_JS)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(server, wait_until="domcontentloaded")
            _settled_map(page)
            expect(page.get_by_text(t("ws.no_scenarios"))).to_be_visible(timeout=MAP_TIMEOUT_MS)

            # Close the Kenora Service Canada Centre, by typing its name.
            _wait_for_runs(page, 0)  # the map's first report reruns the page: let that finish first
            closing = page.get_by_test_id("stMultiSelect").filter(has_text=t("scen.close_pick"))
            _close_by_typing(page, closing, "Kenora Service Canada", "Kenora Service Canada Centre")
            expect(page.get_by_text(re.compile(r"^Closing Kenora .+ more non-reserve residents"))).to_be_visible(
                timeout=MAP_TIMEOUT_MS
            )

            # Save it as a named scenario; it is listed and compared with the baseline.
            runs = _runs_done(page)
            name = page.get_by_label(t("ws.name"))
            name.fill("Close Kenora")
            name.press("Enter")
            _wait_for_runs(page, runs)
            _idle(page)
            page.get_by_role("button", name=t("ws.save_scenario")).click()
            expect(page.get_by_text(t("ws.saved_scenario", name="Close Kenora"))).to_be_visible(timeout=MAP_TIMEOUT_MS)
            _compare_with_baseline(page, "Close Kenora")

            # Save the workspace: the browser downloads one GeoPackage.
            _idle(page)
            with page.expect_download(timeout=MAP_TIMEOUT_MS) as download:
                page.get_by_role("button", name=t("ws.save")).click()
            download.value.save_as(saved)
            assert saved.read_bytes()[:16] == b"SQLite format 3\x00"

            # Reload: a new session, nothing of the last one is left.
            page.reload(wait_until="domcontentloaded")
            _settled_map(page)
            expect(page.get_by_text(t("ws.no_scenarios"))).to_be_visible(timeout=MAP_TIMEOUT_MS)
            _idle(page)

            # Open the workspace again: the same scenario is back, compared with the baseline.
            uploader = page.get_by_test_id("stSidebar").locator("input[type=file]").last
            uploader.set_input_files(str(saved))
            expect(page.get_by_text(re.compile(r"^Workspace my_plan\.gpkg is open: 1 scenario\."))).to_be_visible(
                timeout=MAP_TIMEOUT_MS
            )
            _compare_with_baseline(page, "Close Kenora")
            assert not errors, errors
        finally:
            browser.close()
