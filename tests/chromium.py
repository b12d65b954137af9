"""Open a page in headless Chromium (Debian's `chromium`) as a phone would, and read back what
it showed and every URL it asked the network for.

One browser process per page: it is driven over the DevTools protocol on a pipe (no port, no
extra package) and writes Chromium's own net log, which names every URL the network stack saw.
"""

from __future__ import annotations

import base64
import json
import re
import select
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}  # an iPhone 12-14

# Schemes that never leave the machine: the browser's own pages and the page's inline data.
INTERNAL_SCHEMES = ("about:", "blob:", "chrome:", "chrome-extension:", "chrome-untrusted:",
                    "data:", "devtools:")

# Read by the page's own renderer over the DevTools protocol (never by a script of the page,
# which its Content-Security-Policy would refuse anyway).
PROBE = """JSON.stringify({
  url: document.URL,
  ready: document.readyState,
  html: document.documentElement.outerHTML,
  text: document.body.innerText,
  page_width: document.documentElement.scrollWidth,
  viewport_width: window.innerWidth,
})"""


@dataclass(frozen=True)
class Visit:
    """What Chromium showed of one page at phone size, and what it fetched for it."""

    html: str  # the DOM as Chromium built it
    text: str  # the rendered text (innerText), whitespace as laid out
    page_width: int  # CSS px the page is wide: more than viewport_width means it scrolls sideways
    viewport_width: int
    screenshot: bytes  # the first screen, as PNG
    page_urls: list[str]  # URLs the net log shows requested for the page
    chromium_urls: list[str]  # URLs Chromium requested for itself (update and account checks)


class _Pipe:
    """The DevTools protocol over --remote-debugging-pipe: JSON messages ended by a NUL."""

    def __init__(self, proc: subprocess.Popen[bytes], timeout: float, log: Path):
        self.proc, self.timeout, self.log = proc, timeout, log
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def _read_message(self, deadline: float) -> dict[str, Any]:
        assert self.proc.stdout is not None
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.proc.stdout], [], [], max(left, 0))
            if not ready:
                raise TimeoutError(f"Chromium did not answer over the DevTools pipe in time "
                                   f"(its log: {self.log})")
            chunk = self.proc.stdout.read1(1 << 16)
            if not chunk:
                raise RuntimeError(f"Chromium closed the DevTools pipe (its log: {self.log})")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its answer; events arriving meanwhile are kept."""
        assert self.proc.stdin is not None
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self.proc.stdin.write(json.dumps(message).encode() + b"\0")
        self.proc.stdin.flush()
        deadline = time.monotonic() + self.timeout
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def wait_for(self, method: str) -> dict[str, Any]:
        """The first event named method, received already or next."""
        deadline = time.monotonic() + self.timeout
        while True:
            for event in self.events:
                if event.get("method") == method:
                    self.events.remove(event)
                    return event
            self.events.append(self._read_message(deadline))


def chromium_command() -> str:
    """The `chromium` on PATH; the Makefile installs Debian's (make system-deps)."""
    found = shutil.which("chromium")
    if found is None:
        raise RuntimeError("chromium is not installed: run make system-deps (as root)")
    return found


def visit(url: str, work: Path, timeout: float = 60) -> Visit:
    """Load url in a fresh headless Chromium emulating a phone (390 px wide, mobile viewport),
    read its DOM, text and layout width, capture it, close the browser and read its net log."""
    work.mkdir(parents=True, exist_ok=True)
    net_log = work / "net-log.json"
    args = [chromium_command(), "--headless", "--no-sandbox", "--disable-gpu",
            "--remote-debugging-pipe", f"--user-data-dir={work / 'profile'}",
            f"--log-net-log={net_log}", "--no-first-run", "--hide-scrollbars", "about:blank"]
    # The protocol runs on the browser's fds 3 (commands in) and 4 (answers out): the shell
    # moves this process's pipes there and gives Chromium's stdin and stdout /dev/null.
    script = 'exec "$@" 3<&0 4>&1 0</dev/null 1>/dev/null'
    log = (work / "chromium.log").open("wb")  # its stderr, for when it fails to start
    proc = subprocess.Popen(["sh", "-c", script, "sh", *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=log)
    try:
        pipe = _Pipe(proc, timeout, work / "chromium.log")
        target = next(t for t in pipe.call("Target.getTargets")["targetInfos"]
                      if t["type"] == "page")
        session = pipe.call("Target.attachToTarget", targetId=target["targetId"],
                            flatten=True)["sessionId"]
        pipe.call("Emulation.setDeviceMetricsOverride", session, **PHONE)
        pipe.call("Page.enable", session)
        pipe.call("Page.navigate", session, url=url)
        seen: dict[str, Any] = {}
        while (seen.get("url"), seen.get("ready")) != (url, "complete"):  # not about:blank's
            pipe.wait_for("Page.loadEventFired")
            probe = pipe.call("Runtime.evaluate", session, expression=PROBE, returnByValue=True)
            seen = json.loads(probe["result"]["value"])
        shot = pipe.call("Page.captureScreenshot", session, format="png")  # the first screen
        pipe.call("Browser.close")
        proc.wait(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
    page_urls, chromium_urls = requested_urls(json.loads(net_log.read_text(encoding="utf-8")))
    return Visit(seen["html"], seen["text"], seen["page_width"], seen["viewport_width"],
                 base64.b64decode(shot["data"]), page_urls, chromium_urls)


def _strings(value: Any) -> list[str]:
    """Every string anywhere in a net log event's params."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


# A URL with a host ("file://" and a proxy chain's "direct://" name none: no request).
_URL = re.compile(r"[a-z][a-z0-9+.-]*://[^\s<>\[\];/]+[^\s<>\[\];]*")
_ORIGIN = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s]*")


def _origin(url: str) -> str:
    found = _ORIGIN.match(url)
    return found.group(0) if found else url


def requested_urls(net_log: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Split what a Chromium net log names into what was requested for a page and what
    Chromium requested for itself; both as URLs, in order of appearance.

    A request a document asked for carries that document's origin as its initiator ("null"
    for a file); one Chromium starts for itself (component updates, the account check of a
    new profile) carries "not an origin". Every URL on the events of a request is that
    request's; a URL on any other event (a connection, a socket pool, a preconnect) is
    Chromium's own when its origin is that of one of Chromium's own requests, else the page's.
    """
    types = {number: name for name, number in net_log["constants"]["logEventTypes"].items()}
    initiators = {event["source"]["id"]: event["params"]["initiator"]
                  for event in net_log["events"]
                  if types[event["type"]] == "URL_REQUEST_START_JOB"
                  and "initiator" in event.get("params", {})}
    own: list[str] = []
    page: list[str] = []
    elsewhere: list[str] = []
    for event in net_log["events"]:
        urls = [u for s in _strings(event.get("params", {})) for u in _URL.findall(s)]
        initiator = initiators.get(event["source"]["id"], "")
        if initiator == "not an origin":
            own.extend(urls)
        elif initiator:
            page.extend(urls)
        else:
            elsewhere.extend(urls)
    own_origins = {_origin(u) for u in own}
    page += [u for u in elsewhere if _origin(u) not in own_origins]
    return list(dict.fromkeys(page)), list(dict.fromkeys(own))


def outside_urls(visit_: Visit, page_url: str) -> list[str]:
    """The URLs requested for the page other than the page itself and internal schemes."""
    return [u for u in visit_.page_urls
            if u != page_url and not u.startswith(INTERNAL_SCHEMES)]
