"""A local `prefect server start` in its own process group, for `barometer serve` and tests.

Prefect's temporary server (the one a flow starts when no PREFECT_API_URL is set) never runs
the scheduler, so a schedule needs a real server: this module starts one, waits until its API
answers, and stops it (and every process it started) again.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import httpx


class PrefectServerError(RuntimeError):
    """The server did not come up (or died); the message carries the end of its log."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def local_api_url(port: int) -> str:
    """The API URL of a Prefect server on 127.0.0.1:port."""
    return f"http://127.0.0.1:{port}/api"


def answers(api_url: str, timeout: float = 2.0) -> bool:
    """True when a Prefect API answers /health at api_url (…/api) right now."""
    try:
        return httpx.get(f"{api_url.rstrip('/')}/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def port_taken(port: int) -> bool:
    """True when something listens on 127.0.0.1:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


class LocalPrefectServer:
    """`prefect server start` on 127.0.0.1, as a context manager.

    prefect_home: the server's PREFECT_HOME (its SQLite database lives there); None keeps the
    user's (PREFECT_HOME from the environment, else ~/.prefect). log_path: where the server's
    output goes (default: server.log in prefect_home). ui: serve Prefect's UI too.
    dies_with_parent: a temporary server for one process: it stays in that process's group
    and the kernel stops it when the process dies, even by kill -9 (otherwise it gets its own
    group, so stop() can signal all of it, and outlives a killed parent by design).
    """

    def __init__(
        self,
        prefect_home: Path | None = None,
        port: int | None = None,
        log_path: Path | None = None,
        extra_env: dict[str, str] | None = None,
        ui: bool = False,
        dies_with_parent: bool = False,
    ) -> None:
        home = prefect_home or Path(os.environ.get("PREFECT_HOME", "~/.prefect"))
        self.prefect_home = home.expanduser().resolve()
        self.port = port or free_port()
        self.log_path = log_path or self.prefect_home / "server.log"
        self.extra_env = dict(extra_env or {})
        self.ui = ui
        self.dies_with_parent = dies_with_parent
        self.process: subprocess.Popen[bytes] | None = None
        self._log = None

    @property
    def api_url(self) -> str:
        return local_api_url(self.port)

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        # The server must not talk to another server, nor inherit a test harness's settings.
        for key in ("PREFECT_API_URL", "PREFECT_API_KEY", "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE"):
            env.pop(key, None)
        env.update(
            PREFECT_HOME=str(self.prefect_home),
            # Telemetry races the SQLite database at start-up ("database is locked").
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            # The UI for `barometer serve` (its "View at" links work); tests start faster without.
            PREFECT_UI_ENABLED="true" if self.ui else "false",
        )
        env.update(self.extra_env)
        return env

    def start(self) -> LocalPrefectServer:
        """Start the server process (returns at once; call wait_healthy next)."""
        if self.process is not None:
            raise PrefectServerError("server already started")
        self.prefect_home.mkdir(parents=True, exist_ok=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start",
             "--host", "127.0.0.1", "--port", str(self.port)],
            env=self._env(),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=not self.dies_with_parent,
            preexec_fn=_die_with_parent(os.getpid()) if self.dies_with_parent else None,
        )
        return self

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_healthy(self, timeout: float = 120.0) -> None:
        """Poll /api/health until it answers 200; raise PrefectServerError otherwise."""
        if self.process is None:
            raise PrefectServerError("server not started")
        deadline = time.monotonic() + timeout
        url = f"{self.api_url}/health"
        while True:
            code = self.process.poll()
            if code is not None:
                raise PrefectServerError(
                    f"prefect server exited with code {code} before answering on {url}; "
                    f"log {self.log_path}:\n{_tail(self.log_path)}")
            try:
                if httpx.get(url, timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise PrefectServerError(
                    f"prefect server did not answer on {url} within {timeout:.0f} s; "
                    f"log {self.log_path}:\n{_tail(self.log_path)}")
            time.sleep(0.5)

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM the server's process group, wait, SIGKILL what is left. Idempotent."""
        process, self.process = self.process, None
        if process is not None and self.dies_with_parent:
            _terminate(process, timeout)  # its group is the parent's: signal it alone
        elif process is not None:
            _terminate_group(process, timeout)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> LocalPrefectServer:
        self.start()
        try:
            self.wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent thread dies


def _die_with_parent(parent_pid: int) -> Callable[[], None]:
    """A preexec_fn: SIGTERM this child when the parent dies (Linux), or exit at once if it
    already has. The parent must start it from its main thread, which lives as long as it."""
    def arrange() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent_pid:  # the parent died before prctl took effect
            os._exit(1)
    return arrange


def _terminate(process: subprocess.Popen, timeout: float) -> None:
    """SIGTERM one process; SIGKILL it after `timeout` s."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _terminate_group(process: subprocess.Popen, timeout: float) -> None:
    """SIGTERM the process group led by `process`; SIGKILL whatever is left after `timeout` s."""
    pgid = process.pid  # start_new_session=True: the child leads its own group
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None and not group_alive(pgid):
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)
    process.wait(timeout=10)
