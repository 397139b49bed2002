"""A headless Chromium driven through the DevTools protocol over a pipe
(`--remote-debugging-pipe`: commands on the browser's file descriptor 3, answers and events
on 4, each message JSON ended by a NUL byte), so that a check needs no package and opens no
port. Only what the picture checks use: open a page, evaluate script, send mouse input.
"""

import fcntl
import json
import os
import select
import subprocess
import time

CHROMIUM = ["chromium", "--headless", "--disable-gpu", "--no-sandbox"]
WAIT = 60.0


def high(fd: int) -> int:
    """The same pipe end on a descriptor numbered 10 or more (the one given is closed)."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


class Browser:
    """One Chromium process and one page in it, attached in flat mode."""

    def __init__(self, profile: str, width: int = 1400, height: int = 1000):
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()
        # The child moves the pipe ends to the descriptors Chromium reads and writes; from
        # above 3 and 4 first, so that neither move undoes the other. Only those two and
        # the standard streams are inherited: Python opens everything else close-on-exec.
        to_browser_read = high(to_browser_read)
        from_browser_write = high(from_browser_write)

        def pipe_ends() -> None:
            os.dup2(to_browser_read, 3)
            os.dup2(from_browser_write, 4)

        self._process = subprocess.Popen(
            CHROMIUM
            + ["--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"],
            preexec_fn=pipe_ends,
            close_fds=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict] = []
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self._session = self.send(
            "Target.attachToTarget", {"targetId": target, "flatten": True}
        )["sessionId"]
        self.call("Page.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )

    def _message(self, deadline: float) -> dict:
        """The next message from the browser, waiting until `deadline` at most."""
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._from_browser], [], [], max(left, 0))
            if not ready:
                raise SystemExit("Chromium did not answer in time")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise SystemExit("Chromium closed its end of the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, session: str | None = None):
        """Sends a command (to the browser, or to a page's session) and returns its result."""
        self._next_id += 1
        command = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            command["sessionId"] = session
        os.write(self._to_browser, json.dumps(command).encode() + b"\0")
        deadline = time.monotonic() + WAIT
        while True:
            message = self._message(deadline)
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise SystemExit(f"{method} failed: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self._events.append(message)

    def call(self, method: str, params: dict | None = None):
        """Sends a command to the page."""
        return self.send(method, params, self._session)

    def open(self, url: str) -> None:
        """Loads `url` in the page and waits for its load event."""
        self._events.clear()
        self.call("Page.navigate", {"url": url})
        deadline = time.monotonic() + WAIT
        while not any(e["method"] == "Page.loadEventFired" for e in self._events):
            self._events.append(self._message(deadline))

    def evaluate(self, expression: str):
        """The value of a script expression in the page."""
        result = self.call(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}
        )
        if "exceptionDetails" in result:
            raise SystemExit(f"{expression} threw {result['exceptionDetails']}")
        return result["result"].get("value")

    def mouse(self, kind: str, x: float, y: float, **more) -> None:
        """One mouse event at (x, y) in the page's pixels, as a person's mouse sends it."""
        self.call("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, **more})

    def click(self, x: float, y: float) -> None:
        self.mouse("mouseMoved", x, y)
        self.mouse("mousePressed", x, y, button="left", buttons=1, clickCount=1)
        self.mouse("mouseReleased", x, y, button="left", buttons=0, clickCount=1)

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except SystemExit:
            pass
        try:
            self._process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
