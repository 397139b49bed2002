#!/usr/bin/env python3
"""Renders the demo's `timeline of Umerov` page in headless Chromium and checks what a reader
sees: the DOM (after the browser parsed it) holds the lanes, the meetings and the legend; the
page's script ran (it marks the root `data-interactive`) and, asked by the address to pin
meeting m02, shows its details — every line of its tooltip — in the panel; and the
screenshot is not blank. Then it uses the timeline and the `who met Witkoff` network as a
person would, with mouse events sent through the DevTools protocol (`browser.py`): the wheel
zooms around the pointer, a drag pans the picture under it, the reset button restores the
view, hovering a meeting or an actor shows its details (m02's summary and quotes as the
demo's script writes them), moving away hides them, and a click pins them.

Usage: check-picture.py ENTREVUE_BINARY DEMO_DATABASE_DIR
"""

import html
import json
import re
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

from browser import Browser

CHROMIUM = ["chromium", "--headless", "--disable-gpu", "--no-sandbox"]
LABELS = [
    "Rustem Umerov",
    "Steve Witkoff",
    'data-meeting="m01"',
    'data-meeting="m02"',
    'data-meeting="m05"',
    "~2025-11-24..2025-11-30",
    "2025-11-30",
    "possible participant",
    "approximate (soft edges)",
]


def png_pixels(path: Path) -> bytes:
    """The decompressed image data of a PNG (filter bytes included)."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path} is not a PNG")
    at, idat = 8, b""
    while at < len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        kind = data[at + 4 : at + 8]
        if kind == b"IDAT":
            idat += data[at + 8 : at + 8 + length]
        at += 12 + length
    return zlib.decompress(idat)


def check_details(page: Path, url: str) -> int:
    """Loads the page pinned to m02 and checks the panel holds each line of its tooltip."""
    source = page.read_text()
    found = re.search(r'data-meeting="m02"[^>]*><title>(.*?)</title>', source)
    if not found:
        raise SystemExit("the page has no tooltip for m02")
    lines = [html.unescape(line) for line in found.group(1).split("&#10;")]
    dom = subprocess.run(
        CHROMIUM + ["--dump-dom", url + "#m02"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    if not re.search(r'<html[^>]* data-interactive="on"', dom):
        raise SystemExit("the page's script did not run")
    panel = re.search(r'<aside id="details" data-meeting="m02">(.*?)</aside>', dom)
    if not panel:
        raise SystemExit("the details panel does not show m02")
    shown = [html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", panel.group(1))]
    if shown != lines or not any("“" in line for line in shown):
        raise SystemExit(f"the panel shows {shown}, not m02's details {lines}")
    return len(shown)


# Where things are on the page, asked of the page itself.
CENTRE_OF = """(function (selector) {
  var element = document.querySelector(selector);
  element.scrollIntoView({block: "center", inline: "center"});
  var box = element.getBoundingClientRect();
  return [box.left + box.width / 2, box.top + box.height / 2];
})(%s)"""
# The point of the drawing under a point of the window.
DRAWING_POINT = """(function (x, y) {
  var svg = document.querySelector("svg");
  var p = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM().inverse());
  return [p.x, p.y];
})(%r, %r)"""
# What the details panel shows: hidden or not, its meeting, its paragraphs.
PANEL = """(function () {
  var panel = document.getElementById("details");
  return [panel.hidden, panel.getAttribute("data-meeting"),
          Array.from(panel.querySelectorAll("p")).map(function (p) { return p.textContent; })];
})()"""
VIEWBOX = 'document.querySelector("svg").getAttribute("viewBox")'


def centre(browser: Browser, selector: str) -> tuple[float, float]:
    x, y = browser.evaluate(CENTRE_OF % json.dumps(selector))
    return x, y


def drawing_point(browser: Browser, x: float, y: float) -> tuple[float, float]:
    px, py = browser.evaluate(DRAWING_POINT % (x, y))
    return px, py


def viewbox(browser: Browser) -> list[float]:
    return [float(v) for v in browser.evaluate(VIEWBOX).split()]


def changed_viewbox(browser: Browser, before: list[float]) -> list[float]:
    """The viewBox once the page has reacted to the input sent (events may land a little
    after the input is acknowledged)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        after = viewbox(browser)
        if after != before:
            return after
        time.sleep(0.05)
    raise SystemExit(f"the viewBox stayed {before}")


def near(p: tuple[float, float], q: tuple[float, float], scale: float) -> bool:
    return abs(p[0] - q[0]) <= scale / 200 and abs(p[1] - q[1]) <= scale / 200


def check_zoom(browser: Browser) -> None:
    """A wheel turn towards the reader zooms in, keeping the point under the pointer."""
    x, y = centre(browser, "svg")
    before = viewbox(browser)
    held = drawing_point(browser, x, y)
    browser.mouse("mouseWheel", x, y, deltaX=0, deltaY=-240)
    after = changed_viewbox(browser, before)
    if not (after[2] < before[2] and after[3] < before[3]):
        raise SystemExit(f"the wheel did not zoom in: viewBox {before} became {after}")
    if not near(drawing_point(browser, x, y), held, before[2]):
        raise SystemExit(f"zooming moved the point under the pointer from {held}")


def check_pan(browser: Browser) -> None:
    """A drag moves the drawing with the pointer: the point grabbed ends under it."""
    left, top, width, height = browser.evaluate(
        '(function () { var b = document.querySelector("svg").getBoundingClientRect();'
        " return [b.left, b.top, b.width, b.height]; })()"
    )
    x, y = left + width * 0.4, top + height * 0.5
    before = viewbox(browser)
    grabbed = drawing_point(browser, x, y)
    browser.mouse("mouseMoved", x, y)
    browser.mouse("mousePressed", x, y, button="left", buttons=1, clickCount=1)
    for step in range(1, 6):
        browser.mouse("mouseMoved", x + 24 * step, y + 12 * step, button="left", buttons=1)
    x, y = x + 120, y + 60
    browser.mouse("mouseReleased", x, y, button="left", buttons=0, clickCount=1)
    after = changed_viewbox(browser, before)
    if after[2:] != before[2:]:
        raise SystemExit(f"the drag zoomed: viewBox {before} became {after}")
    if not near(drawing_point(browser, x, y), grabbed, before[2]):
        raise SystemExit(f"the point dragged, {grabbed}, is not under the pointer")


def check_reset(browser: Browser, home: str) -> None:
    x, y = centre(browser, "button")
    browser.click(x, y)
    shown = browser.evaluate(VIEWBOX)
    if shown != home:
        raise SystemExit(f"the reset button left the viewBox at {shown}, not {home}")


def point_on(browser: Browser, selector: str, group: str) -> tuple[float, float]:
    """The middle of the first element `selector`, checked to be what the mouse finds there."""
    x, y = centre(browser, selector)
    found = browser.evaluate(
        f"(function () {{ var e = document.elementFromPoint({x}, {y});"
        f" return e ? e.closest({json.dumps(group)}) === document.querySelector("
        f"{json.dumps(group)}) : false; }})()"
    )
    if not found:
        raise SystemExit(f"{selector} is covered by something else at ({x}, {y})")
    return x, y


def check_details_by_mouse(
    browser: Browser, selector: str, group: str, lines: list[str], what: str
) -> None:
    """Hovering `group` shows `lines`, leaving it hides them, a click keeps them shown."""
    x, y = point_on(browser, selector, group)
    away = centre(browser, "h1")
    browser.mouse("mouseMoved", x, y)
    hidden, _, shown = browser.evaluate(PANEL)
    if hidden or shown != lines:
        raise SystemExit(f"hovering {what} shows {shown} (hidden: {hidden}), not {lines}")
    browser.mouse("mouseMoved", *away)
    hidden, _, shown = browser.evaluate(PANEL)
    if not hidden:
        raise SystemExit(f"leaving {what} still shows {shown}")
    x, y = point_on(browser, selector, group)
    browser.click(x, y)
    browser.mouse("mouseMoved", *away)
    hidden, _, shown = browser.evaluate(PANEL)
    if hidden or shown != lines:
        raise SystemExit(f"after a click on {what} and moving away the panel shows {shown}")


def m02_in_the_script() -> tuple[str, list[str]]:
    """m02's summary and quotes as the demo's script writes them."""
    script = Path(__file__).parent.parent / "fixtures/miami-talks/miami-talks.ent"
    text = script.read_text()
    start = text.index("add meeting #m02 ")
    block = text[start : text.index(";\n", start)]
    summary = re.search(r'summary "([^"]*)"', block)
    if not summary:
        raise SystemExit("the demo's script has no summary for m02")
    return summary.group(1), re.findall(r'source #\w+ "([^"]*)"', block)


def check_timeline_by_mouse(browser: Browser, url: str) -> None:
    browser.open(url)
    if browser.evaluate('document.documentElement.getAttribute("data-interactive")') != "on":
        raise SystemExit("the timeline's script did not run")
    home = browser.evaluate(VIEWBOX)
    check_zoom(browser)
    check_pan(browser)
    check_reset(browser, home)
    group = 'g.meeting[data-meeting="m02"]'
    lines = browser.evaluate(
        f"document.querySelector({json.dumps(group + ' > title')}).textContent.split('\\n')"
    )
    summary, quotes = m02_in_the_script()
    missing = [quote for quote in quotes if not any(quote in line for line in lines)]
    if lines[1:2] != [summary] or not quotes or missing:
        raise SystemExit(f"m02's tooltip {lines} lacks its summary or a quote")
    check_details_by_mouse(browser, group + " .mark", group, lines, "meeting m02")
    print(
        "timeline by mouse: the wheel zoomed around the pointer, a drag panned, reset "
        f"restored the view; m02's {len(lines)} lines shown on hover, hidden after, "
        "pinned by a click"
    )


def check_network_by_mouse(browser: Browser, url: str) -> None:
    browser.open(url)
    check_zoom(browser)
    handle = browser.evaluate(
        'document.querySelector("g.node:not(.centre)").getAttribute("data-actor")'
    )
    group = f'g.node[data-actor="{handle}"]'
    title = browser.evaluate(
        f"document.querySelector({json.dumps(group + ' > title')}).textContent"
    )
    if f"(#{handle})" not in title:
        raise SystemExit(f"the node of {handle} is titled {title}")
    check_details_by_mouse(browser, group + " text", group, [title], f"actor {handle}")
    print(
        f"network by mouse: the wheel zoomed; {handle}'s details shown on hover, "
        "pinned by a click"
    )


def main() -> None:
    binary, db = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "timeline.html"
        with page.open("w") as out:
            subprocess.run(
                [binary, "--db", db, "--format", "html", "-c", "timeline of Umerov"],
                stdout=out,
                check=True,
            )
        url = page.as_uri()
        dom = subprocess.run(
            CHROMIUM + ["--dump-dom", url],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
        missing = [label for label in LABELS if label not in dom]
        if missing:
            raise SystemExit(f"the rendered page lacks {missing}")
        details = check_details(page, url)
        shot = Path(tmp) / "timeline.png"
        subprocess.run(
            CHROMIUM + [f"--screenshot={shot}", "--window-size=1100,600", url],
            capture_output=True,
            check=True,
            timeout=120,
        )
        # A blank page decompresses to a handful of byte values (white, filter bytes);
        # lanes, marks and text bring many shades.
        shades = len(set(png_pixels(shot)))
        if shades < 20:
            raise SystemExit(f"the screenshot looks blank ({shades} byte values)")
        print(
            f"timeline of Umerov: {len(LABELS)} labels found, script ran, "
            f"{details} lines of m02's details shown, {shades} byte values drawn"
        )
        network = Path(tmp) / "network.html"
        with network.open("w") as out:
            subprocess.run(
                [binary, "--db", db, "--format", "html", "-c", "who met Witkoff"],
                stdout=out,
                check=True,
            )
        browser = Browser(str(Path(tmp) / "profile"))
        try:
            check_timeline_by_mouse(browser, url)
            check_network_by_mouse(browser, network.as_uri())
        finally:
            browser.close()


if __name__ == "__main__":
    main()
