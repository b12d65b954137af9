"""Fetch one official page over HTTP, carefully: bounded, polite, and never raising on trouble.

`fetch` returns a FetchResult whose `error` says what went wrong and what to do about it.
Transient trouble (connection errors, timeouts, truncated bodies, 429, 5xx) is retried with
exponential backoff and full jitter; everything else fails at once. An optional Deadline bounds
the whole fetch, every byte of every request and every wait included; callbacks hear of each
request and each retry as it happens. See docs/fetching.md.
"""

from __future__ import annotations

import email.utils
import math
import random
import ssl
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, partial
from importlib import metadata
from typing import Any, Literal, Protocol

import httpcore
import httpx

try:  # optional: installed with WeasyPrint's font tools, not a dependency of ours
    import brotli
except ImportError:  # pragma: no cover - depends on the environment
    brotli = None


def _version() -> str:
    """The installed package version, for the User-Agent."""
    try:
        return metadata.version("yiwu-barometer")
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return "0.0.0"


# Where a site operator who sees our requests in their logs can find out who we are; the
# registry's `contact` (warehouse/sources.toml) overrides it per deployment.
PROJECT_URL = "https://github.com/cbec-barometer/barometer"


def user_agent(contact: str = PROJECT_URL) -> str:
    """The honest User-Agent: who we are, our version, and where to read about us."""
    return f"cbec-barometer/{_version()} (+{contact}; data tracking of published trade figures)"


USER_AGENT = user_agent()

# Largest decoded piece handled at once; the size cap can be overshot by at most this much.
CHUNK_BYTES = 64 * 1024
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
FETCHABLE_STATUSES = frozenset({200, 203})  # 203: a transforming proxy, still the document
# brotli < 1.2 cannot bound its output, so a brotli bomb could not be stopped early.
_BROTLI_BOUNDED = brotli is not None and hasattr(brotli.Decompressor, "can_accept_more_data")
ACCEPT_ENCODING = "gzip, deflate, br" if _BROTLI_BOUNDED else "gzip, deflate"
CORRUPT_BODY_ERRORS: tuple[type[Exception], ...] = (
    (zlib.error, brotli.error) if brotli is not None else (zlib.error,))
DEADLINE_ADVICE = ("If the site is just slow, raise deadline_seconds for the source in "
                   "warehouse/sources.toml; otherwise save the page from a browser into the inbox.")


@dataclass(frozen=True)
class FetchPolicy:
    """How one source may be fetched: where from, what, how much, how patiently."""

    allowed_hosts: frozenset[str]
    content_types: tuple[str, ...]
    max_bytes: int = 5_000_000
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    attempts: int = 4
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    max_redirects: int = 5
    user_agent: str = USER_AGENT

    def __post_init__(self) -> None:
        """Refuse a policy that could not work (a programming error, so it raises)."""
        if not self.allowed_hosts or not self.content_types:
            raise ValueError("FetchPolicy needs at least one allowed host and one content type")
        if self.max_bytes <= 0 or self.attempts < 1 or self.max_redirects < 0:
            raise ValueError("FetchPolicy needs max_bytes > 0, attempts >= 1, max_redirects >= 0")
        if min(self.connect_timeout, self.read_timeout) <= 0 or self.backoff_base < 0 \
                or self.backoff_max < 0:
            raise ValueError("FetchPolicy timeouts must be positive and backoffs not negative")


@dataclass(frozen=True)
class Validators:
    """What a previous fetch returned, to ask the server for changes only."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Deadline:
    """When a whole collection must stop, on the time.monotonic() clock, and the budget it had."""

    at: float
    seconds: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        """The deadline `seconds` from now."""
        return cls(time.monotonic() + seconds, seconds)

    def left(self) -> float:
        """Seconds left; zero or less once it has passed."""
        return self.at - time.monotonic()


@dataclass(frozen=True)
class Retrying:
    """A transient failure fetch is about to wait out and retry; reported before the wait."""

    url: str
    error: str  # the problem, short form
    retry: int  # which retry comes next: 1 = the first
    retries: int  # the most there can be: the policy's attempts - 1
    wait_s: float  # seconds fetch waits before it


@dataclass(frozen=True)
class Attempt:
    """One HTTP request made by fetch, whatever came of it."""

    url: str
    started_at: datetime
    status: int | None
    bytes: int
    duration_s: float
    outcome: str  # 'ok', 'not_modified', 'retry', 'failed', 'redirect'
    error: str | None


@dataclass(frozen=True)
class FetchResult:
    """What fetch did: the body when fetched, and every attempt it made."""

    outcome: Literal["fetched", "not_modified", "failed"]
    url: str
    status: int | None
    body: bytes | None
    content_type: str | None
    etag: str | None
    last_modified: str | None
    attempts: tuple[Attempt, ...]
    error: str | None
    deadline_passed: bool = False  # failed because the Deadline passed


# --- the deadline on the wire ------------------------------------------------------------


class _Wire(httpcore.NetworkBackend):
    """httpcore's socket backend with each connect, TLS handshake, read and write cut to the
    time left before the deadline, and none begun once it has passed; it counts bytes received.

    httpx reads a status line and headers without coming back to fetch, and a read timeout only
    bounds silence: a server sending a byte every few seconds would hold a fetch for hours. Cut
    here, at every socket operation, the deadline bounds the whole transfer.
    """

    def __init__(self, deadline: Deadline | None) -> None:
        self.deadline = deadline
        self.received = 0  # bytes read, so an error can tell a trickle from a silence
        self._sockets = httpcore.SyncBackend()

    def cut(self, timeout: float | None, late: type[httpcore.TimeoutException]) -> float | None:
        """timeout cut to the time left; raises `late` once the deadline has passed."""
        if self.deadline is None:
            return timeout
        left = self.deadline.left()
        if left <= 0:
            raise late(f"the deadline of {self.deadline.seconds:g} s passed")
        return left if timeout is None else min(timeout, left)

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        """Open a TCP connection within the time left."""
        return _WireStream(self._sockets.connect_tcp(
            host, port, self.cut(timeout, httpcore.ConnectTimeout), local_address,
            socket_options), self)

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None
                            ) -> httpcore.NetworkStream:
        """Open a Unix socket connection within the time left."""
        return _WireStream(self._sockets.connect_unix_socket(
            path, self.cut(timeout, httpcore.ConnectTimeout), socket_options), self)

    def sleep(self, seconds: float) -> None:
        """Sleep (httpcore's connect retries; fetch asks for none)."""
        self._sockets.sleep(seconds)


class _WireStream(httpcore.NetworkStream):
    """A connection whose every operation gets only the time left before its wire's deadline."""

    def __init__(self, stream: httpcore.NetworkStream, wire: _Wire) -> None:
        self._stream, self._wire = stream, wire

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Read what has arrived, waiting no later than the deadline."""
        data = self._stream.read(max_bytes, self._wire.cut(timeout, httpcore.ReadTimeout))
        self._wire.received += len(data)
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Send buffer, no later than the deadline."""
        self._stream.write(buffer, self._wire.cut(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        """Close the connection."""
        self._stream.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        """Shake hands for TLS (the whole handshake within the time left)."""
        return _WireStream(self._stream.start_tls(
            ssl_context, server_hostname, self._wire.cut(timeout, httpcore.ConnectTimeout)),
            self._wire)

    def get_extra_info(self, info: str) -> Any:
        """What the connection knows (its TLS object, socket, readability)."""
        return self._stream.get_extra_info(info)


def _route_through(client: httpx.Client, wire: _Wire) -> None:
    """Make each connection pool of client, direct or through a proxy, open its sockets on wire.

    httpx.HTTPTransport takes no network backend, so the pools httpx built (one direct, one per
    proxy from the environment: its TLS and proxy settings kept) get it here; httpx is pinned
    to 0.28, and the slowloris tests fail if this stops taking effect. A transport passed in
    (a test's MockTransport) opens no sockets and is left alone.
    """
    for transport in (client._transport, *client._mounts.values()):
        if isinstance(transport, httpx.HTTPTransport):
            transport._pool._network_backend = wire


# --- one request -------------------------------------------------------------------------

StepKind = Literal["fetched", "not_modified", "redirect", "retry", "failed"]


@dataclass(frozen=True)
class _Step:
    """What one request came to, before fetch decides whether to go on."""

    kind: StepKind
    headers: httpx.Headers | None = None
    body: bytes | None = None
    error: str | None = None  # the problem; for a retry, the short form
    advice: str | None = None  # for a retry: what to do if the retries run out
    retry_after: float | None = None


@dataclass
class _Progress:
    """What is known of a request even when it ends in an exception."""

    status: int | None = None
    bytes: int = 0
    headers: httpx.Headers | None = field(default=None, repr=False)


class _Incomplete(Exception):
    """A compressed body ended before its compressed stream did."""


class _Decoder(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...

    def finish(self) -> None: ...


class _Identity:
    """No content coding: pass the bytes on in bounded pieces."""

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Yield data in pieces of at most CHUNK_BYTES."""
        for start in range(0, len(data), CHUNK_BYTES):
            yield data[start : start + CHUNK_BYTES]

    def finish(self) -> None:
        """Nothing to check."""


class _Zlib:
    """gzip or deflate, inflated at most CHUNK_BYTES at a time so a bomb stops early."""

    def __init__(self, wbits: int, *, raw_fallback: bool = False, members: bool = False):
        self._wbits = wbits
        self._d = zlib.decompressobj(wbits)
        self._raw_fallback = raw_fallback  # 'deflate' is sent both zlib-wrapped and raw
        self._members = members  # gzip allows several members one after another
        self._fed = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Inflate data; raise zlib.error when it is corrupt."""
        while True:
            try:
                out = self._d.decompress(data, CHUNK_BYTES)
            except zlib.error:
                if not (self._raw_fallback and not self._fed):
                    raise
                self._raw_fallback = False
                self._wbits = -zlib.MAX_WBITS
                self._d = zlib.decompressobj(self._wbits)
                continue
            self._fed = self._fed or bool(data)
            if out:
                yield out
            data = self._d.unconsumed_tail
            if self._d.eof:
                if not (self._members and self._d.unused_data):
                    return
                data = self._d.unused_data + data
                self._d = zlib.decompressobj(self._wbits)
            # A full piece may leave output pending inside zlib even with no input left.
            elif not data and len(out) < CHUNK_BYTES:
                return

    def finish(self) -> None:
        """Raise _Incomplete when the compressed stream did not end."""
        if self._fed and not self._d.eof:
            raise _Incomplete


class _Brotli:
    """br, with brotli's output limit so a bomb stops early."""

    def __init__(self) -> None:
        self._d = brotli.Decompressor()
        self._fed = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decompress data; raise brotli.error when it is corrupt."""
        self._fed = self._fed or bool(data)
        out = self._d.process(data, output_buffer_limit=CHUNK_BYTES)
        if out:
            yield out
        # Until it can take input again, brotli holds more output for empty calls.
        while out and not self._d.can_accept_more_data():
            out = self._d.process(b"", output_buffer_limit=CHUNK_BYTES)
            if out:
                yield out

    def finish(self) -> None:
        """Raise _Incomplete when the compressed stream did not end."""
        if self._fed and not self._d.is_finished():
            raise _Incomplete


def _decoder_for(content_encoding: str | None) -> _Decoder | str:
    """A decoder for the Content-Encoding header, or an error message."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return _Identity()
    if codings in (["gzip"], ["x-gzip"]):
        return _Zlib(16 + zlib.MAX_WBITS, members=True)
    if codings == ["deflate"]:
        return _Zlib(zlib.MAX_WBITS, raw_fallback=True)
    if codings == ["br"] and _BROTLI_BOUNDED:
        return _Brotli()
    return (f"the server used Content-Encoding '{content_encoding}', which this fetcher "
            f"does not decode (it asks for {ACCEPT_ENCODING}); report it as a bug")


def _media_type(content_type: str) -> str:
    """The media type of a Content-Type value, without parameters, lower-cased."""
    return content_type.split(";", 1)[0].strip().lower()


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After value (seconds or an HTTP-date), None if unusable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # HTTP-dates are GMT; a date without a zone is taken as UTC
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    # A date in the past means "now"; nan and inf are not waits.
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _status_problem(status: int, reason: str, url: httpx.URL) -> str:
    """The message for an HTTP status that is not retried."""
    head = f"HTTP {status} {reason}".strip() + f" from {url}"
    if status == 412:
        return (f"{head}: official customs sites refuse scripted clients this way. Open the "
                "page in a browser, save it, and put the file into the inbox; not retried.")
    if status in (401, 403):
        return (f"{head}: the site refuses this client. Open the page in a browser, save it, "
                "and put the file into the inbox; not retried.")
    if status in (404, 410):
        return (f"{head}: the page was moved or removed. Find the release's current address "
                "and update the source's URL; not retried.")
    if 400 <= status < 500:
        return f"{head}: the site refused the request. Check the source's URL; not retried."
    return f"{head}: not a status this fetcher knows what to do with; not retried."


def _check_response(response: httpx.Response, url: httpx.URL, policy: FetchPolicy,
                    conditional: bool) -> _Step | None:
    """Decide from status and headers alone; None when the body should be read."""
    status, headers = response.status_code, response.headers
    if status == 304:
        if conditional:
            return _Step("not_modified", headers)
        return _Step("failed", headers, error=(
            f"{url} answered 304 Not Modified to a request without validators; the fetcher "
            "has no copy to reuse. Fetch again without a cache in between; not retried."))
    if status in REDIRECT_STATUSES:
        return _Step("redirect", headers)
    if status == 429:
        return _Step("retry", headers, error=f"HTTP 429 Too Many Requests from {url.host}",
                     advice="The site is rate-limiting us: fetch less often or try later.",
                     retry_after=_retry_after(headers.get("retry-after")))
    if 500 <= status < 600:
        return _Step("retry", headers, error=f"HTTP {status} {response.reason_phrase} from "
                     f"{url.host}", advice="The site has a server-side problem: try again later.",
                     retry_after=_retry_after(headers.get("retry-after")))
    if status not in FETCHABLE_STATUSES:
        return _Step("failed", headers, error=_status_problem(status, response.reason_phrase,
                                                              url))
    content_type = headers.get("content-type")
    expected = ", ".join(policy.content_types)
    if content_type is None:
        return _Step("failed", headers, error=(
            f"{url} sent no Content-Type; expected one of {expected}. Check the URL; "
            "not retried."))
    if _media_type(content_type) not in {_media_type(t) for t in policy.content_types}:
        return _Step("failed", headers, error=(
            f"{url} sent content type '{content_type}', expected one of {expected}. The URL "
            "may point at another document or an error page: check it, or add the type to "
            "the source's content_types if it is legitimate; not retried."))
    declared = headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > policy.max_bytes:
        return _Step("failed", headers, error=(
            f"{url} declares Content-Length {declared} bytes, over the cap of "
            f"{policy.max_bytes} (max_bytes); nothing was downloaded. Raise max_bytes for "
            "the source if the document is legitimately that big; not retried."))
    return None


def _read_body(response: httpx.Response, url: httpx.URL, policy: FetchPolicy,
               progress: _Progress, deadline: Deadline | None) -> _Step:
    """Stream and decode the body, stopping as soon as it passes max_bytes or the deadline."""
    headers = response.headers
    decoder = _decoder_for(headers.get("content-encoding"))
    if isinstance(decoder, str):
        return _Step("failed", headers, error=f"{url}: {decoder}; not retried.")
    body = bytearray()
    try:
        # iter_raw, not iter_bytes: httpx would inflate each network chunk in one go.
        for raw in response.iter_raw():
            if deadline is not None and deadline.left() <= 0:
                return _still_sending(url, progress, progress.bytes)
            for piece in decoder.feed(raw):
                progress.bytes += len(piece)
                if progress.bytes > policy.max_bytes:
                    return _Step("failed", headers, error=(
                        f"{url} sent more than {policy.max_bytes} bytes (max_bytes, counted "
                        f"after decompression); stopped after {progress.bytes}. Raise "
                        "max_bytes for the source if the document is legitimately that big; "
                        "not retried."))
                body += piece
        decoder.finish()
    except _Incomplete:
        return _Step("retry", headers, error=f"the compressed body from {url.host} ended early",
                     advice="The transfer was cut short: try again later.")
    except CORRUPT_BODY_ERRORS as exc:
        return _Step("failed", headers, error=(
            f"{url} sent a corrupt {headers.get('content-encoding')} body ({exc}). Try again "
            "later; if it persists, save the page from a browser into the inbox; not retried."))
    return _Step("fetched", headers, body=bytes(body))


def _transport_problem(exc: httpx.HTTPError, url: httpx.URL, timeout: httpx.Timeout) -> _Step:
    """Turn an httpx exception into a step: transient ones are retried, the others fail."""
    host = url.host
    if isinstance(exc, httpx.ConnectTimeout):
        return _Step("retry", error=f"no connection to {host} within {timeout.connect:.3g}s",
                     advice="Check the network, or try again later.")
    if isinstance(exc, httpx.ReadTimeout):
        return _Step("retry", error=f"{host} sent nothing for {timeout.read:.3g}s "
                     "(read timeout)", advice="Try again later; if the site is just slow, raise "
                     "read_timeout in the source's fetch policy.")
    if isinstance(exc, httpx.TimeoutException):
        return _Step("retry", error=f"timed out talking to {host} ({type(exc).__name__})",
                     advice="Try again later.")
    if isinstance(exc, httpx.ConnectError):
        return _Step("retry", error=f"could not connect to {host}:{url.port or ''} ({exc})",
                     advice="Check the URL and the network (DNS, firewall, proxy), or try "
                     "again later.")
    if isinstance(exc, httpx.NetworkError):  # read/write errors: reset, broken pipe
        return _Step("retry", error=f"the connection to {host} broke ({exc})",
                     advice="Try again later; if it keeps happening the site may be dropping "
                     "scripted clients: save the page from a browser into the inbox.")
    if isinstance(exc, httpx.RemoteProtocolError):  # truncated body, no response at all
        return _Step("retry", error=f"{host} cut the response short ({exc})",
                     advice="The transfer was cut short: try again later.")
    return _Step("failed", error=f"could not fetch {url}: {type(exc).__name__}: {exc}; "
                 "not retried.")


def _still_sending(url: httpx.URL, progress: _Progress, received: int) -> _Step:
    """The step of a response still arriving at the deadline; `received`: its bytes so far."""
    what = (f"the body ({progress.bytes} bytes so far)" if progress.status is not None
            else f"the status line and headers ({received} bytes so far)")
    return _Step("retry", progress.headers, error=f"{url.host} was still sending {what}",
                 advice="Try again later.")


def _timeout(policy: FetchPolicy, deadline: Deadline | None) -> httpx.Timeout:
    """The policy's timeouts, each cut to the time left before the deadline."""
    left = math.inf if deadline is None else max(deadline.left(), 0.001)
    connect, read = min(policy.connect_timeout, left), min(policy.read_timeout, left)
    return httpx.Timeout(connect=connect, read=read, write=read, pool=connect)


def _request(client: httpx.Client, url: httpx.URL, policy: FetchPolicy, conditional: bool,
             progress: _Progress, wire: _Wire) -> _Step:
    """Make one GET request; never raises for network or HTTP trouble."""
    deadline, received = wire.deadline, wire.received
    timeout = _timeout(policy, deadline)
    try:
        with client.stream("GET", url, timeout=timeout) as response:
            progress.status, progress.headers = response.status_code, response.headers
            return (_check_response(response, url, policy, conditional)
                    or _read_body(response, url, policy, progress, deadline))
    except httpx.HTTPError as exc:
        # A timeout at the deadline after bytes came is a trickle, not the silence it reads as.
        if isinstance(exc, httpx.TimeoutException) and wire.received > received \
                and deadline is not None and deadline.left() <= 0:
            return _still_sending(url, progress, wire.received - received)
        step = _transport_problem(exc, url, timeout)
        return _Step(step.kind, progress.headers, error=step.error, advice=step.advice)


# --- the fetch loop ----------------------------------------------------------------------


def _host_allowed(url: httpx.URL, policy: FetchPolicy) -> bool:
    """Whether the URL's hostname (either spelling of an IDN, any port) is allowed."""
    allowed = {h.strip().lower().rstrip(".") for h in policy.allowed_hosts}
    names = {url.host.rstrip("."), url.raw_host.decode("ascii").lower().rstrip(".")}
    return bool(names & allowed)


def _url_problem(url: httpx.URL, policy: FetchPolicy, via: str | None = None) -> str | None:
    """Why this URL may not be fetched under the policy, or None."""
    where = f"{via} redirects to {url}" if via else str(url)
    if url.scheme not in ("http", "https"):
        return f"{where} is not an http(s) URL: only http and https pages are fetched."
    if not url.host:
        return f"{where} has no host name; give an absolute http(s) URL."
    if not _host_allowed(url, policy):
        hosts = ", ".join(sorted(policy.allowed_hosts))
        return (f"{where}: host '{url.host}' is not in the source's allowed hosts ({hosts}); "
                "not fetched. If it is legitimate, add it to the source's allowed_hosts.")
    return None


def _redirect(current: httpx.URL, step: _Step, policy: FetchPolicy,
              hops: int) -> httpx.URL | str:
    """The URL a redirect leads to, or why it is not followed."""
    location = step.headers.get("location") if step.headers is not None else None
    if not location:
        return f"{current} answered with a redirect but no Location header; not followed."
    try:
        target = current.join(location)  # a relative Location resolves against current
    except httpx.InvalidURL as exc:
        return f"{current} redirects to an invalid address '{location}' ({exc}); not followed."
    if hops >= policy.max_redirects:
        return (f"{current}: more than {policy.max_redirects} redirects (max_redirects; the "
                f"next one to {target}). The site is probably in a redirect loop, as bot checks "
                "do: open the page in a browser and save it into the inbox.")
    return _url_problem(target, policy, via=str(current)) or target


def _backoff(policy: FetchPolicy, retry: int, retry_after: float | None,
             rng: random.Random) -> float:
    """Seconds to wait before retry number `retry` (0 = first): Retry-After or full jitter."""
    if retry_after is not None:
        return min(retry_after, policy.backoff_max)
    # Full jitter spreads clients out; the exponent is capped so the float cannot overflow.
    return rng.uniform(0.0, min(policy.backoff_max, policy.backoff_base * 2 ** min(retry, 64)))


def _client(policy: FetchPolicy, validators: Validators | None,
            transport: httpx.BaseTransport | None, wire: _Wire) -> httpx.Client:
    """An httpx client that sends our headers, follows nothing by itself, and opens its
    connections on wire."""
    headers: dict[str, str | bytes] = {
        "User-Agent": policy.user_agent, "Accept": ", ".join(policy.content_types),
        "Accept-Encoding": ACCEPT_ENCODING}
    # Validators go back as the bytes they came as: httpx would refuse a non-ASCII str.
    if validators is not None and validators.etag:
        headers["If-None-Match"] = validators.etag.encode("utf-8")
    if validators is not None and validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified.encode("utf-8")
    client = httpx.Client(transport=transport, headers=headers, timeout=_timeout(policy, None),
                          follow_redirects=False, verify=_ssl_context())
    _route_through(client, wire)
    return client


@cache
def _ssl_context() -> ssl.SSLContext:
    """One TLS context for all fetches: httpx would load the CA bundle per client (~50 ms)."""
    return httpx.create_ssl_context()


def _failed(url: str, error: str, attempts: list[Attempt],
            headers: httpx.Headers | None = None, deadline_passed: bool = False) -> FetchResult:
    """A failed result."""
    status = attempts[-1].status if attempts else None
    content_type = headers.get("content-type") if headers is not None else None
    return FetchResult("failed", url, status, None, content_type, None, None, tuple(attempts),
                       error, deadline_passed)


def _past_deadline(deadline: Deadline, what: str) -> str:
    """The error of a fetch stopped by its deadline: what was going on, and what to do."""
    return f"the source's deadline of {deadline.seconds:g} s {what}. {DEADLINE_ADVICE}"


def fetch(url: str, policy: FetchPolicy, validators: Validators | None = None, *,
          transport: httpx.BaseTransport | None = None,
          sleep: Callable[[float], None] = time.sleep,
          rng: random.Random | None = None,
          deadline: Deadline | None = None,
          on_request: Callable[[str, int], None] | None = None,
          on_retry: Callable[[Retrying], None] | None = None) -> FetchResult:
    """Fetch url under policy; never raises for network or HTTP trouble: read result.error.

    No request or wait starts once `deadline` has passed, and every socket operation of every
    request (connect, TLS handshake, each read and write) is cut to the time left.
    `on_request(url, attempt)` is called as each request starts (attempt 1, then 2 … after
    transient failures); `on_retry(Retrying)` as each retry is decided, before its wait.
    """
    try:
        current = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        return _failed(str(url), f"'{url}' is not a valid URL ({exc}).", [])
    problem = _url_problem(current, policy)
    if problem:
        return _failed(url, problem, [])
    rng = rng or random.Random()
    conditional = validators is not None and bool(validators.etag or validators.last_modified)
    attempts: list[Attempt] = []
    failures = hops = 0
    wire = _Wire(deadline)
    with _client(policy, validators, transport, wire) as client:
        while True:
            if deadline is not None and deadline.left() <= 0:
                error = _past_deadline(deadline, f"passed before {current} was requested")
                return _failed(str(current), error, attempts, deadline_passed=True)
            if on_request is not None:
                on_request(str(current), failures + 1)
            started_at, clock, progress = datetime.now(UTC), time.monotonic(), _Progress()
            step = _request(client, current, policy, conditional, progress, wire)
            # Everything about this attempt but its outcome and error, fixed now (not after sleep).
            attempt = partial(Attempt, str(current), started_at, progress.status, progress.bytes,
                              time.monotonic() - clock)
            if step.kind == "redirect":
                target = _redirect(current, step, policy, hops)
                if isinstance(target, str):
                    attempts.append(attempt("failed", target))
                    return _failed(str(current), target, attempts, step.headers)
                attempts.append(attempt("redirect", None))
                current, hops = target, hops + 1
            elif step.kind == "retry":
                failures += 1
                wait = (None if failures >= policy.attempts
                        else _backoff(policy, failures - 1, step.retry_after, rng))
                stop = _deadline_stop(deadline, current, failures, step, wait)
                if stop is not None:
                    attempts.append(attempt("failed", stop))
                    return _failed(str(current), stop, attempts, step.headers,
                                   deadline_passed=True)
                if wait is None:
                    attempts.append(attempt("failed", step.error))
                    error = (f"gave up on {current} after {failures} attempt(s): {step.error}. "
                             f"{step.advice}")
                    return _failed(str(current), error, attempts, step.headers)
                attempts.append(attempt("retry", step.error))
                if on_retry is not None:
                    on_retry(Retrying(str(current), step.error or "", failures,
                                      policy.attempts - 1, wait))
                sleep(wait)
            elif step.kind == "failed":
                error = step.error or "failed"
                attempts.append(attempt("failed", error))
                return _failed(str(current), error, attempts, step.headers)
            else:
                attempts.append(attempt("ok" if step.kind == "fetched" else "not_modified", None))
                return _done(step, current, validators, attempts)


def _deadline_stop(deadline: Deadline | None, url: httpx.URL, failures: int, step: _Step,
                   wait: float | None) -> str | None:
    """Why a transient failure ends the fetch at the deadline, or None to go on as usual.

    Once the deadline has passed the fetch stops; before it, a wait (None: the attempts ran
    out, no wait) that would reach the deadline is not begun, since nothing could follow it.
    """
    if deadline is None:
        return None
    left = deadline.left()
    if left <= 0:
        return _past_deadline(deadline, f"passed while fetching {url} (attempt {failures}: "
                              f"{step.error})")
    if wait is not None and wait >= left:
        return _past_deadline(deadline, f"would pass during the {wait:.1f} s wait before "
                              f"retrying {url} ({left:.1f} s left; attempt {failures}: "
                              f"{step.error})")
    return None


def _done(step: _Step, url: httpx.URL, validators: Validators | None,
          attempts: list[Attempt]) -> FetchResult:
    """The result of a request that fetched the page or learnt it did not change."""
    headers = step.headers if step.headers is not None else httpx.Headers()
    if step.kind == "not_modified":
        # A 304 need not repeat the validators; the ones sent still describe the copy.
        etag = headers.get("etag") or (validators.etag if validators else None)
        modified = headers.get("last-modified") or (validators.last_modified if validators
                                                    else None)
        return FetchResult("not_modified", str(url), 304, None, headers.get("content-type"),
                           etag, modified, tuple(attempts), None)
    return FetchResult("fetched", str(url), attempts[-1].status, step.body,
                       headers.get("content-type"), headers.get("etag"),
                       headers.get("last-modified"), tuple(attempts), None)
