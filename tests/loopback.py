"""A programmable HTTP/1.1 server on 127.0.0.1 for tests: routes answer with scripted replies."""

from __future__ import annotations

import gzip
import itertools
import json
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

T = TypeVar("T")

NOT_FOUND_BODY = b"no route for this path on the loopback server\n"


def gzip_bytes(data: bytes, level: int = 6) -> bytes:
    """Gzip data (mtime 0, so the bytes are reproducible)."""
    return gzip.compress(data, compresslevel=level, mtime=0)


@dataclass(frozen=True)
class Reply:
    """One scripted answer; the fields beyond status/body/headers simulate network trouble."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to sleep before answering (a slow server, a read timeout)
    reset: bool = False  # abort the connection with an RST instead of answering
    truncate_to: int | None = None  # declare the whole body's length, send only this many bytes
    chunked: bool = False  # send the body with Transfer-Encoding: chunked, no Content-Length
    chunk_size: int = 64 * 1024
    etag: str | None = None  # when set, a matching If-None-Match gets a 304
    last_modified: str | None = None  # when set, an equal If-Modified-Since gets a 304

    @classmethod
    def text(cls, body: str | bytes, content_type: str = "text/plain; charset=utf-8",
             status: int = 200, **kwargs: Any) -> Reply:
        """A text reply (HTML, CSV, a feed: pass the content type)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        headers = {"Content-Type": content_type, **kwargs.pop("headers", {})}
        return cls(status=status, body=data, headers=headers, **kwargs)

    @classmethod
    def json(cls, payload: Any, status: int = 200, **kwargs: Any) -> Reply:
        """A JSON reply."""
        return cls.text(json.dumps(payload), "application/json", status, **kwargs)

    @classmethod
    def gzipped(cls, body: bytes, content_type: str = "text/plain; charset=utf-8",
                status: int = 200, level: int = 6, **kwargs: Any) -> Reply:
        """A reply whose body is gzip-compressed, with Content-Encoding: gzip."""
        headers = {"Content-Type": content_type, "Content-Encoding": "gzip",
                   **kwargs.pop("headers", {})}
        return cls(status=status, body=gzip_bytes(body, level), headers=headers, **kwargs)

    @classmethod
    def redirect(cls, location: str, status: int = 302, **kwargs: Any) -> Reply:
        """A redirect to location (absolute or relative, sent as given)."""
        return cls(status=status, headers={"Location": location, **kwargs.pop("headers", {})},
                   **kwargs)

    @classmethod
    def etagged(cls, body: bytes, etag: str, content_type: str = "text/html; charset=utf-8",
                last_modified: str | None = None, **kwargs: Any) -> Reply:
        """A 200 with ETag (and Last-Modified), answering 304 to a matching conditional GET."""
        return cls.text(body, content_type, etag=etag, last_modified=last_modified, **kwargs)

    def not_modified_for(self, headers: dict[str, str]) -> bool:
        """Whether a request with these (lower-cased) headers gets a 304 from this reply."""
        inm = headers.get("if-none-match")
        if inm is not None and self.etag is not None:
            # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
            tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
            return "*" in tags or self.etag.removeprefix("W/") in tags
        ims = headers.get("if-modified-since")
        # Exact match, as nginx does by default: enough for tests.
        return inm is None and ims is not None and ims == self.last_modified


@dataclass(frozen=True)
class Request:
    """A request the server received; header names are lower-cased."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """A header's value by case-insensitive name, or None."""
        return self.headers.get(name.lower())


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a handler still sleeping on a `delay` must not block stop()
    allow_reuse_address = True

    def __init__(self, owner: LoopbackServer):
        self.owner = owner
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients in these tests hang up on purpose (timeouts, size caps): stay quiet about it.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and chunked bodies, like a real server
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # requests are recorded in LoopbackServer.requests instead

    def do_GET(self) -> None:
        self._answer()

    def do_HEAD(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def do_PUT(self) -> None:
        self._answer()

    def do_DELETE(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        request = Request(self.command, self.path, headers, body)
        reply = self.server.owner._record(request)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.reset:
            self._reset()
            return
        self._send(reply, headers)

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout makes close() send an RST instead of a FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _send(self, reply: Reply, request_headers: dict[str, str]) -> None:
        status, body = reply.status, reply.body
        headers = dict(reply.headers)
        if reply.etag is not None:
            headers["ETag"] = reply.etag
        if reply.last_modified is not None:
            headers["Last-Modified"] = reply.last_modified
        if reply.not_modified_for(request_headers):
            status, body = 304, b""
            headers = {k: v for k, v in headers.items()
                       if k.lower() in ("etag", "last-modified", "cache-control")}
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        no_body = self.command == "HEAD" or status in (204, 304) or 100 <= status < 200
        if reply.chunked and not no_body:
            self.send_header("Transfer-Encoding", "chunked")
        elif "content-length" not in {k.lower() for k in headers}:
            self.send_header("Content-Length", str(len(body)))
        if reply.truncate_to is not None:
            self.send_header("Connection", "close")
        self.end_headers()
        if no_body:
            return
        if reply.truncate_to is not None:
            self.wfile.write(body[: reply.truncate_to])
            self.wfile.flush()
            self.close_connection = True
        elif reply.chunked:
            for start in range(0, len(body), reply.chunk_size):
                piece = body[start : start + reply.chunk_size]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(body)


class LoopbackServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 whose paths answer with scripted Replies.

    Successive requests to a path get successive replies; the last one repeats. A path with no
    route gets a 404. Every request is recorded in `requests`.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._routes: dict[str, list[Reply]] = {}
        self._served: dict[str, int] = {}
        self.requests: list[Request] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> LoopbackServer:
        """Bind a free port on 127.0.0.1 and serve in a daemon thread."""
        if self._server is None:
            self._server = _Server(self)
            self._thread = threading.Thread(target=self._server.serve_forever,
                                            kwargs={"poll_interval": 0.05}, daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
            self._thread = None

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port the server listens on (start() first)."""
        if self._server is None:
            raise RuntimeError("LoopbackServer is not started")
        return self._server.server_address[1]

    def url(self, path: str = "/") -> str:
        """The absolute URL of path on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, *responses: Reply) -> LoopbackServer:
        """Script the replies for path (with or without a query string); replaces earlier ones."""
        if not responses:
            raise ValueError("route() needs at least one Reply")
        with self._lock:
            self._routes[path] = list(responses)
            self._served[path] = 0
        return self

    def requests_to(self, path: str) -> list[Request]:
        """The recorded requests whose path (query string ignored) is path."""
        with self._lock:
            return [r for r in self.requests if r.path.split("?", 1)[0] == path]

    def _record(self, request: Request) -> Reply:
        # Exact path-with-query first, so tests can script one query string specially.
        with self._lock:
            self.requests.append(request)
            key = request.path if request.path in self._routes else request.path.split("?")[0]
            replies = self._routes.get(key)
            if not replies:
                return Reply.text(NOT_FOUND_BODY, status=404)
            index = min(self._served[key], len(replies) - 1)
            self._served[key] += 1
            return replies[index]


class Slowloris:
    """A raw TCP server on 127.0.0.1 that answers each request slowly and never finishes.

    It sends `head` at once, then `trickle` and `repeat` over and over, one byte every
    `interval` seconds. Each byte comes well within any read timeout, so only a deadline on the
    whole transfer can stop a client: status line, headers or body, whichever is trickled.
    """

    def __init__(self, trickle: bytes, repeat: bytes, *, head: bytes = b"",
                 interval: float = 0.2) -> None:
        if not repeat:
            raise ValueError("Slowloris needs bytes to repeat: it must never finish")
        self.head, self.trickle, self.repeat, self.interval = head, trickle, repeat, interval
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._listener: socket.socket | None = None
        self.connections = 0  # connections accepted
        self.hangups = 0  # connections the client closed while bytes were still coming

    def start(self) -> Slowloris:
        """Listen on a free port of 127.0.0.1 and accept in a daemon thread."""
        if self._listener is None:
            self._listener = socket.create_server(("127.0.0.1", 0))
            threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop accepting and stop every trickle."""
        self._stopped.set()
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def __enter__(self) -> Slowloris:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def url(self, path: str = "/", scheme: str = "http") -> str:
        """The absolute URL of path on this server (start() first)."""
        if self._listener is None:
            raise RuntimeError("Slowloris is not started")
        return f"{scheme}://127.0.0.1:{self._listener.getsockname()[1]}{path}"

    def wait_for_hangups(self, count: int, timeout: float) -> bool:
        """Whether `count` clients have hung up within `timeout` seconds."""
        until = time.monotonic() + timeout
        while time.monotonic() < until:
            with self._lock:
                if self.hangups >= count:
                    return True
            time.sleep(0.02)
        return False

    def _accept(self, listener: socket.socket) -> None:
        while not self._stopped.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:  # the listener was closed by stop()
                return
            with self._lock:
                self.connections += 1
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5.0)
            try:
                conn.recv(64 * 1024)  # the request (or a TLS ClientHello): its content is moot
                conn.sendall(self.head)
                for byte in itertools.chain(self.trickle, itertools.cycle(self.repeat)):
                    if self._stopped.wait(self.interval):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:  # reset or broken pipe: the client gave up, as it should
                with self._lock:
                    self.hangups += 1


def finish_within(seconds: float, work: Callable[[], T]) -> T:
    """work()'s result, run in a daemon thread: a call that would hang fails the test instead."""
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(work())
        except BaseException as exc:  # handed to the test's thread below
            errors.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if errors:
        raise errors[0]
    if not results:
        raise AssertionError(f"still running after {seconds:g} s: it would never have ended")
    return results[0]
