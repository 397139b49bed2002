#!/usr/bin/env python3
"""Renders the demo's `timeline of Umerov` page in headless Chromium and checks what a reader
sees: the DOM (after the browser parsed it) holds the lanes, the meetings and the legend; the
page's script ran (it marks the root `data-interactive`) and, asked by the address to pin
meeting m02, shows its details — every line of its tooltip — in the panel; and the
screenshot is not blank.

Usage: check-picture.py ENTREVUE_BINARY DEMO_DATABASE_DIR
"""

import html
import re
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

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


if __name__ == "__main__":
    main()
