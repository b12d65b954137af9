"""The fetcher against a real HTTP server on 127.0.0.1: retries, caps, redirects, validators."""

from __future__ import annotations

import random
import socket
import time
import tracemalloc
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from flows.ingest.fetch import (
    CHUNK_BYTES,
    DEADLINE_ADVICE,
    USER_AGENT,
    Deadline,
    FetchPolicy,
    FetchResult,
    Retrying,
    Validators,
    fetch,
)
from tests.loopback import LoopbackServer, Reply, Slowloris, finish_within

HTML = "text/html; charset=utf-8"
PAGE = b"<html><body>Cross-border e-commerce imports and exports: 2.63 trillion yuan</body></html>"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy from the environment would swallow requests meant for the loopback server."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def policy(**overrides: Any) -> FetchPolicy:
    """A policy for loopback tests: tiny backoff, three attempts. The read timeout is roomy: a
    loopback reply on a loaded 2-core machine (two test processes, a PostgreSQL and Prefect
    servers) can take over 0.3 s, which turned a redirect into a retry; a test of timeouts sets
    its own."""
    settings: dict[str, Any] = {
        "allowed_hosts": frozenset({"127.0.0.1"}), "content_types": ("text/html", "text/plain"),
        "connect_timeout": 1.0, "read_timeout": 5.0, "attempts": 3,
        "backoff_base": 0.01, "backoff_max": 5.0,
    }
    return FetchPolicy(**(settings | overrides))


def outcomes(result: FetchResult) -> list[str]:
    """The outcome of each attempt, in order."""
    return [a.outcome for a in result.attempts]


def get(url: str, pol: FetchPolicy | None = None, validators: Validators | None = None,
        rng: random.Random | None = None) -> tuple[FetchResult, list[float]]:
    """Fetch with a recording sleep; return the result and the delays asked for."""
    sleeps: list[float] = []
    result = fetch(url, pol or policy(), validators, sleep=sleeps.append, rng=rng)
    return result, sleeps


def closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- transient failures: retried ---------------------------------------------------------


def test_read_timeout_is_retried_then_fails(loopback: LoopbackServer) -> None:
    loopback.route("/slow", Reply.text(PAGE, HTML, delay=1.5))
    result, sleeps = get(loopback.url("/slow"), policy(read_timeout=0.2))
    assert result.outcome == "failed" and result.body is None and result.status is None
    assert outcomes(result) == ["retry", "retry", "failed"]
    assert all("read timeout" in (a.error or "") for a in result.attempts)
    assert all(a.duration_s >= 0.19 for a in result.attempts)
    assert "gave up" in result.error and "after 3 attempt(s)" in result.error
    assert "raise read_timeout" in result.error
    assert len(loopback.requests_to("/slow")) == 3
    assert len(sleeps) == 2


def test_connection_reset_is_retried_then_fetched(loopback: LoopbackServer) -> None:
    loopback.route("/page", Reply(reset=True), Reply(reset=True), Reply.text(PAGE, HTML))
    result, sleeps = get(loopback.url("/page"))
    assert result.outcome == "fetched" and result.body == PAGE
    assert outcomes(result) == ["retry", "retry", "ok"]
    assert "Connection reset by peer" in result.attempts[0].error
    assert result.attempts[0].status is None
    assert len(loopback.requests_to("/page")) == 3 and len(sleeps) == 2


def test_connection_reset_every_time_fails(loopback: LoopbackServer) -> None:
    loopback.route("/page", Reply(reset=True))
    result, _ = get(loopback.url("/page"))
    assert result.outcome == "failed" and result.body is None
    assert outcomes(result) == ["retry", "retry", "failed"]
    assert "connection to 127.0.0.1 broke" in result.error
    assert "Connection reset by peer" in result.error
    assert len(loopback.requests_to("/page")) == 3


def test_500_then_200_is_fetched_once(loopback: LoopbackServer) -> None:
    loopback.route("/page", Reply.text(b"oops", status=500), Reply.text(PAGE, HTML))
    result, sleeps = get(loopback.url("/page"))
    assert result.outcome == "fetched" and result.status == 200 and result.body == PAGE
    assert outcomes(result) == ["retry", "ok"]
    assert result.attempts[0].status == 500
    assert "HTTP 500 Internal Server Error" in result.attempts[0].error
    assert result.attempts[1].bytes == len(PAGE)
    assert len(loopback.requests_to("/page")) == 2 and len(sleeps) == 1


def test_429_honours_retry_after_seconds(loopback: LoopbackServer) -> None:
    loopback.route("/page", Reply(429, headers={"Retry-After": "2"}), Reply.text(PAGE, HTML))
    result, sleeps = get(loopback.url("/page"))
    assert sleeps == [2.0]
    assert result.outcome == "fetched" and result.body == PAGE
    assert outcomes(result) == ["retry", "ok"]
    assert "HTTP 429" in result.attempts[0].error


def _in(seconds: float) -> str:
    """An HTTP-date this many seconds from now."""
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds), usegmt=True)


@pytest.mark.parametrize(("kind", "seconds", "backoff_max", "low", "high"), [
    ("date", 3600, 7.0, 7.0, 7.0),      # an HTTP-date an hour away: capped at backoff_max
    ("date", 20, 30.0, 17.0, 20.0),     # an HTTP-date 20 s away (whole seconds, slow machines)
    ("date", -3600, 30.0, 0.0, 0.0),    # an HTTP-date in the past: retry at once
    ("seconds", 3600, 7.0, 7.0, 7.0),   # delay-seconds, capped too
], ids=["date-capped", "date-honoured", "date-past", "seconds-capped"])
def test_503_honours_retry_after(loopback: LoopbackServer, kind: str, seconds: int,
                                 backoff_max: float, low: float, high: float) -> None:
    retry_after = _in(seconds) if kind == "date" else str(seconds)
    loopback.route("/page", Reply(503, headers={"Retry-After": retry_after}),
                   Reply.text(PAGE, HTML))
    result, sleeps = get(loopback.url("/page"), policy(backoff_max=backoff_max))
    assert len(sleeps) == 1 and low <= sleeps[0] <= high
    assert result.outcome == "fetched" and outcomes(result) == ["retry", "ok"]
    assert "HTTP 503 Service Unavailable" in result.attempts[0].error


class _HalfRandom(random.Random):
    """Records the jitter bounds asked for and answers half the upper bound."""

    def __init__(self) -> None:
        super().__init__(0)
        self.bounds: list[tuple[float, float]] = []

    def uniform(self, a: float, b: float) -> float:
        self.bounds.append((a, b))
        return b / 2


def test_backoff_is_exponential_with_full_jitter_capped(loopback: LoopbackServer) -> None:
    loopback.route("/page", Reply(500))
    rng = _HalfRandom()
    result, sleeps = get(loopback.url("/page"),
                         policy(attempts=4, backoff_base=0.5, backoff_max=1.5), rng=rng)
    assert rng.bounds == [(0.0, 0.5), (0.0, 1.0), (0.0, 1.5)]
    assert sleeps == [0.25, 0.5, 0.75]
    assert outcomes(result) == ["retry", "retry", "retry", "failed"]
    assert "after 4 attempt(s)" in result.error and "server-side problem" in result.error


def test_truncated_body_is_retried_then_fails(loopback: LoopbackServer) -> None:
    loopback.route("/page", Reply.text(b"x" * 1000, HTML, truncate_to=10))
    result, sleeps = get(loopback.url("/page"))
    assert result.outcome == "failed" and result.body is None
    assert outcomes(result) == ["retry", "retry", "failed"]
    assert [(a.status, a.bytes) for a in result.attempts] == [(200, 10)] * 3
    assert "cut the response short" in result.error
    assert len(loopback.requests_to("/page")) == 3 and len(sleeps) == 2


def test_refused_connection_is_retried_then_fails() -> None:
    port = closed_port()
    result, sleeps = get(f"http://127.0.0.1:{port}/page")
    assert result.outcome == "failed" and result.status is None
    assert outcomes(result) == ["retry", "retry", "failed"]
    assert f"could not connect to 127.0.0.1:{port}" in result.error
    assert "Connection refused" in result.error
    assert len(sleeps) == 2


# --- permanent failures: not retried -----------------------------------------------------


def test_404_is_not_retried(loopback: LoopbackServer) -> None:
    loopback.route("/gone", Reply.text(b"not here", status=404))
    result, sleeps = get(loopback.url("/gone"))
    assert result.outcome == "failed" and result.status == 404 and result.body is None
    assert outcomes(result) == ["failed"]
    assert "HTTP 404 Not Found" in result.error and "not retried" in result.error
    assert "update the source's URL" in result.error
    assert len(loopback.requests_to("/gone")) == 1 and sleeps == []


def test_412_says_to_save_the_page_into_the_inbox(loopback: LoopbackServer) -> None:
    loopback.route("/customs", Reply(412))
    result, sleeps = get(loopback.url("/customs"))
    assert result.outcome == "failed" and result.status == 412
    assert "refuse scripted clients" in result.error and "inbox" in result.error
    assert len(loopback.requests_to("/customs")) == 1 and sleeps == []


def test_oversized_content_length_is_refused_unread(loopback: LoopbackServer) -> None:
    loopback.route("/big", Reply.text(b"x" * 100_000, HTML))
    result, sleeps = get(loopback.url("/big"), policy(max_bytes=1000))
    assert result.outcome == "failed" and result.body is None
    assert outcomes(result) == ["failed"] and result.attempts[0].bytes == 0
    assert "declares Content-Length 100000 bytes, over the cap of 1000" in result.error
    assert len(loopback.requests_to("/big")) == 1 and sleeps == []


def test_oversized_chunked_body_is_stopped(loopback: LoopbackServer) -> None:
    loopback.route("/big", Reply.text(b"x" * 3_000_000, HTML, chunked=True, chunk_size=8192))
    result, sleeps = get(loopback.url("/big"), policy(max_bytes=1_000_000))
    assert result.outcome == "failed" and result.body is None
    assert outcomes(result) == ["failed"]
    assert 1_000_000 < result.attempts[0].bytes <= 1_000_000 + CHUNK_BYTES
    assert "sent more than 1000000 bytes" in result.error
    assert len(loopback.requests_to("/big")) == 1 and sleeps == []


def test_gzip_bomb_is_stopped_without_inflating_it(loopback: LoopbackServer) -> None:
    loopback.route("/bomb", Reply.gzipped(bytes(50_000_000), HTML, level=9))
    tracemalloc.start()
    try:
        result, _ = get(loopback.url("/bomb"), policy(max_bytes=1_000_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.outcome == "failed" and result.body is None
    assert outcomes(result) == ["failed"]
    assert 1_000_000 < result.attempts[0].bytes <= 1_000_000 + CHUNK_BYTES
    assert "counted after decompression" in result.error
    # httpx's own decoder would inflate a whole network chunk (tens of MB here) at once.
    assert peak < 10_000_000
    assert len(loopback.requests_to("/bomb")) == 1


def test_wrong_content_type_names_both(loopback: LoopbackServer) -> None:
    loopback.route("/page", Reply.text(b"%PDF-1.7", "application/pdf"))
    result, sleeps = get(loopback.url("/page"))
    assert result.outcome == "failed" and result.body is None
    assert result.content_type == "application/pdf"
    assert "'application/pdf'" in result.error
    assert "expected one of text/html, text/plain" in result.error
    assert outcomes(result) == ["failed"] and result.attempts[0].bytes == 0
    assert len(loopback.requests_to("/page")) == 1 and sleeps == []


def test_content_type_ignores_case_and_parameters(loopback: LoopbackServer) -> None:
    loopback.route("/page", Reply.text(PAGE, "TEXT/HTML; Charset=GB2312"))
    result, _ = get(loopback.url("/page"), policy(content_types=("text/html",)))
    assert result.outcome == "fetched" and result.body == PAGE
    assert result.content_type == "TEXT/HTML; Charset=GB2312"


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/release.html", "file:///etc/passwd",
                                 "/relative/path"])
def test_non_http_url_is_refused(url: str) -> None:
    result, sleeps = get(url)
    assert result.outcome == "failed" and result.attempts == () and sleeps == []
    assert "not an http(s) URL" in result.error


def test_start_host_outside_allowed_hosts_is_not_requested(loopback: LoopbackServer) -> None:
    loopback.route("/page", Reply.text(PAGE, HTML))
    result, _ = get(f"http://localhost:{loopback.port}/page")
    assert result.outcome == "failed" and result.attempts == ()
    assert "host 'localhost' is not in the source's allowed hosts (127.0.0.1)" in result.error
    assert loopback.requests == []


# --- redirects ---------------------------------------------------------------------------


def test_redirect_to_another_host_is_refused(loopback: LoopbackServer) -> None:
    loopback.route("/start", Reply.redirect(f"http://localhost:{loopback.port}/elsewhere"))
    loopback.route("/elsewhere", Reply.text(PAGE, HTML))
    result, _ = get(loopback.url("/start"))
    assert result.outcome == "failed" and result.status == 302
    assert result.url == loopback.url("/start")
    assert "host 'localhost' is not in the source's allowed hosts" in result.error
    assert "add it to the source's allowed_hosts" in result.error
    assert outcomes(result) == ["failed"]
    assert [r.path for r in loopback.requests] == ["/start"]


def test_relative_redirect_within_allowed_host_is_followed(loopback: LoopbackServer) -> None:
    loopback.route("/old/page", Reply.redirect("../new/page", status=301))
    loopback.route("/new/page", Reply.text(PAGE, HTML))
    result, _ = get(loopback.url("/old/page"))
    assert result.outcome == "fetched" and result.body == PAGE
    assert result.url == loopback.url("/new/page")
    assert outcomes(result) == ["redirect", "ok"]
    assert [(a.url, a.status) for a in result.attempts] == [
        (loopback.url("/old/page"), 301), (loopback.url("/new/page"), 200)]
    assert [r.path for r in loopback.requests] == ["/old/page", "/new/page"]


def test_redirect_loop_stops_at_max_redirects(loopback: LoopbackServer) -> None:
    loopback.route("/a", Reply.redirect("/b"))
    loopback.route("/b", Reply.redirect("/a"))
    result, sleeps = get(loopback.url("/a"), policy(max_redirects=3))
    assert result.outcome == "failed" and result.body is None
    assert "more than 3 redirects" in result.error and "redirect loop" in result.error
    assert outcomes(result) == ["redirect", "redirect", "redirect", "failed"]
    assert [r.path for r in loopback.requests] == ["/a", "/b", "/a", "/b"]
    assert sleeps == []


# --- conditional requests, headers, decoding ---------------------------------------------


def test_conditional_request_gets_not_modified(loopback: LoopbackServer) -> None:
    modified = "Wed, 18 Jun 2025 02:00:00 GMT"
    loopback.route("/page", Reply.etagged(PAGE, '"v1"', HTML, last_modified=modified))
    first, _ = get(loopback.url("/page"))
    assert first.outcome == "fetched" and first.body == PAGE
    assert (first.etag, first.last_modified) == ('"v1"', modified)

    second, _ = get(loopback.url("/page"), validators=Validators(first.etag, first.last_modified))
    assert second.outcome == "not_modified" and second.status == 304 and second.body is None
    assert (second.etag, second.last_modified) == ('"v1"', modified)
    assert outcomes(second) == ["not_modified"]
    seen = loopback.requests_to("/page")
    assert seen[0].header("If-None-Match") is None
    assert seen[1].header("If-None-Match") == '"v1"'
    assert seen[1].header("If-Modified-Since") == modified


def test_changed_page_is_fetched_despite_validators(loopback: LoopbackServer) -> None:
    loopback.route("/page", Reply.etagged(b"<html>new</html>", '"v2"', HTML))
    result, _ = get(loopback.url("/page"), validators=Validators(etag='"v1"'))
    assert result.outcome == "fetched" and result.body == b"<html>new</html>"
    assert result.etag == '"v2"'


def test_user_agent_is_sent(loopback: LoopbackServer) -> None:
    loopback.route("/page", Reply.text(PAGE, HTML))
    get(loopback.url("/page"))
    get(loopback.url("/page"), policy(user_agent="custom-agent/1.0"))
    agents = [r.header("User-Agent") for r in loopback.requests]
    assert agents == [USER_AGENT, "custom-agent/1.0"]
    assert USER_AGENT.startswith("cbec-barometer/")
    assert "data tracking of published trade figures" in USER_AGENT


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(("encoding", "pack"), [
    ("gzip", lambda d: zlib.compress(d, wbits=31)),
    ("deflate", zlib.compress),
    ("deflate", _raw_deflate),
    ("identity", lambda d: d),
], ids=["gzip", "deflate-zlib", "deflate-raw", "identity"])
def test_compressed_body_is_decoded(loopback: LoopbackServer, encoding: str, pack: Any) -> None:
    body = PAGE * 5000  # bigger than one decoded piece
    loopback.route("/page", Reply(body=pack(body),
                                  headers={"Content-Type": HTML, "Content-Encoding": encoding}))
    result, _ = get(loopback.url("/page"))
    assert result.outcome == "fetched" and result.body == body
    assert result.attempts[0].bytes == len(body)


def test_unsupported_content_encoding_fails(loopback: LoopbackServer) -> None:
    loopback.route("/page", Reply(body=b"\x28\xb5\x2f\xfd",
                                  headers={"Content-Type": HTML, "Content-Encoding": "zstd"}))
    result, sleeps = get(loopback.url("/page"))
    assert result.outcome == "failed" and outcomes(result) == ["failed"] and sleeps == []
    assert "Content-Encoding 'zstd', which this fetcher does not decode" in result.error


def test_corrupt_gzip_body_fails_unretried(loopback: LoopbackServer) -> None:
    loopback.route("/page", Reply(body=b"\x1f\x8b\x08\x00" + b"garbage" * 20,
                                  headers={"Content-Type": HTML, "Content-Encoding": "gzip"}))
    result, sleeps = get(loopback.url("/page"))
    assert result.outcome == "failed" and outcomes(result) == ["failed"] and sleeps == []
    assert "sent a corrupt gzip body" in result.error


def test_gzip_stream_cut_short_is_retried(loopback: LoopbackServer) -> None:
    packed = zlib.compress(PAGE * 100, wbits=31)
    cut = Reply(body=packed[: len(packed) // 2],
                headers={"Content-Type": HTML, "Content-Encoding": "gzip"})
    loopback.route("/page", cut, Reply.gzipped(PAGE * 100, HTML))
    result, sleeps = get(loopback.url("/page"))
    assert result.outcome == "fetched" and result.body == PAGE * 100
    assert outcomes(result) == ["retry", "ok"] and len(sleeps) == 1
    assert "compressed body from 127.0.0.1 ended early" in result.attempts[0].error


def test_brotli_bomb_is_stopped(loopback: LoopbackServer) -> None:
    brotli = pytest.importorskip("brotli")
    loopback.route("/bomb", Reply(body=brotli.compress(bytes(20_000_000), quality=1),
                                  headers={"Content-Type": HTML, "Content-Encoding": "br"}))
    result, _ = get(loopback.url("/bomb"), policy(max_bytes=1_000_000))
    assert result.outcome == "failed" and "counted after decompression" in result.error
    # brotli's output limit is approximate: it may overshoot one piece by a block.
    assert 1_000_000 < result.attempts[0].bytes <= 1_000_000 + 2 * CHUNK_BYTES


# --- the deadline and the callbacks --------------------------------------------------------


def test_a_server_that_never_answers_is_stopped_at_the_deadline(
        loopback: LoopbackServer) -> None:
    # Accepts the connection, reads the request, and says nothing for a minute.
    loopback.route("/silent", Reply.text(PAGE, HTML, delay=60))
    patient = policy(connect_timeout=5.0, read_timeout=20.0, attempts=4, backoff_base=0.5)
    started = time.monotonic()
    result = fetch(loopback.url("/silent"), patient, deadline=Deadline.after(2.0))
    elapsed = time.monotonic() - started
    # Without the deadline: four read timeouts of 20 s and the waits between them.
    assert 1.9 <= elapsed < 3.5
    assert result.outcome == "failed" and result.deadline_passed and result.body is None
    assert result.error.startswith(
        f"the source's deadline of 2 s passed while fetching {loopback.url('/silent')} "
        "(attempt 1: 127.0.0.1 sent nothing for ")
    assert "(read timeout)" in result.error
    assert "raise deadline_seconds for the source in warehouse/sources.toml" in result.error
    assert "save the page from a browser into the inbox" in result.error
    assert outcomes(result) == ["failed"] and len(loopback.requests_to("/silent")) == 1


def test_each_request_gets_only_the_time_left(loopback: LoopbackServer) -> None:
    # The first try times out after its full read_timeout; the second only gets what is left.
    loopback.route("/slow", Reply.text(PAGE, HTML, delay=60))
    started = time.monotonic()
    result = fetch(loopback.url("/slow"), policy(read_timeout=1.0, attempts=4),
                   deadline=Deadline.after(1.6), sleep=lambda s: None)
    elapsed = time.monotonic() - started
    assert 1.5 <= elapsed < 2.6
    assert outcomes(result) == ["retry", "failed"] and result.deadline_passed
    assert result.attempts[0].error == "127.0.0.1 sent nothing for 1s (read timeout)"
    assert result.attempts[1].duration_s < 0.9
    assert "(attempt 2: 127.0.0.1 sent nothing for 0." in result.error


def test_a_wait_that_would_pass_the_deadline_is_not_begun(loopback: LoopbackServer) -> None:
    loopback.route("/busy", Reply(503, headers={"Retry-After": "10"}), Reply.text(PAGE, HTML))
    retries: list[Retrying] = []
    started = time.monotonic()
    result = fetch(loopback.url("/busy"), policy(backoff_max=30.0),
                   deadline=Deadline.after(5.0), on_retry=retries.append)
    assert time.monotonic() - started < 1.0  # real sleep: nothing was slept
    assert result.outcome == "failed" and result.deadline_passed and retries == []
    assert "the source's deadline of 5 s would pass during the 10.0 s wait before retrying" \
        in result.error
    assert "HTTP 503 Service Unavailable from 127.0.0.1" in result.error
    assert outcomes(result) == ["failed"] and len(loopback.requests_to("/busy")) == 1


def test_no_request_starts_after_the_deadline(loopback: LoopbackServer) -> None:
    loopback.route("/page", Reply.text(PAGE, HTML))
    result, _ = get(loopback.url("/page"))  # the same fetch with time left succeeds
    assert result.outcome == "fetched"
    late = fetch(loopback.url("/page"), policy(), deadline=Deadline(time.monotonic() - 1, 60))
    assert late.outcome == "failed" and late.deadline_passed and late.attempts == ()
    assert late.error.startswith(
        f"the source's deadline of 60 s passed before {loopback.url('/page')} was requested")
    assert len(loopback.requests_to("/page")) == 1


def test_a_body_still_coming_at_the_deadline_is_stopped() -> None:
    # Pieces 0.3 s apart: each read is quick, so only the deadline can stop the transfer.
    def trickle() -> Any:
        for _ in range(20):
            time.sleep(0.3)
            yield b"<p>x</p>"

    transport = httpx.MockTransport(lambda request: httpx.Response(
        200, headers={"Content-Type": HTML}, content=trickle()))
    started = time.monotonic()
    result = fetch("http://127.0.0.1/page", policy(), transport=transport,
                   deadline=Deadline.after(1.0), sleep=lambda s: None)
    assert time.monotonic() - started < 1.8
    assert result.outcome == "failed" and result.deadline_passed
    assert outcomes(result) == ["failed"] and 0 < result.attempts[0].bytes < 20 * 8
    assert "127.0.0.1 was still sending the body" in result.error


# A slowloris server sends a byte every 0.2 s: each read gets one well within read_timeout,
# so before the deadline reached every byte these fetches ran for hours (h11's 16 KiB limit).
PATIENT = policy(read_timeout=20.0, connect_timeout=5.0, attempts=4)
CHUNKED_HEAD = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n")


def fetch_from(server: Slowloris, scheme: str = "http", seconds: float = 0.5) -> str:
    """fetch /page under a deadline of `seconds`; it must return within 5 s more, failed at the
    deadline, and hang up. Returns its error with the URL and the advice taken out."""
    url, deadline = server.url("/page", scheme), Deadline.after(seconds)
    result = finish_within(seconds + 5, lambda: fetch(url, PATIENT, deadline=deadline))
    assert deadline.left() <= 0  # it did not give up early
    assert result.outcome == "failed" and result.deadline_passed and result.body is None
    assert outcomes(result) == ["failed"] and "\n" not in result.error
    head, tail = f"the source's deadline of {seconds:g} s passed while fetching {url} (", \
        f"). {DEADLINE_ADVICE}"
    assert result.error.startswith(head) and result.error.endswith(tail)
    # The client hung up: the socket is closed, not left to the server.
    assert server.connections == 1 and server.wait_for_hangups(1, timeout=2.0)
    return result.error.removeprefix(head).removesuffix(tail)


@pytest.mark.parametrize(("head", "trickle", "repeat", "still_sending"), [
    # httpx reads the status line and headers without coming back to fetch between bytes.
    (b"", b"HTTP/1.1 200 OK\r\n", b"X-Slow: 1\r\n", "the status line and headers"),
    (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n", b"",
     b"x", "the body"),
    (CHUNKED_HEAD, b"", b"1\r\nx\r\n", "the body"),
    (CHUNKED_HEAD + b"5;", b"", b"x", "the body"),  # a chunk-size line that never ends
], ids=["status-line-and-headers", "body-one-byte-reads", "body-chunked-one-byte-at-a-time",
        "body-endless-chunk-extension"])
def test_a_server_trickling_its_response_is_stopped_at_the_deadline(
        head: bytes, trickle: bytes, repeat: bytes, still_sending: str) -> None:
    with Slowloris(trickle, repeat, head=head) as server:
        problem = fetch_from(server)
    assert problem.startswith(f"attempt 1: 127.0.0.1 was still sending {still_sending} (")
    assert problem.endswith(" bytes so far)")


def test_a_tls_handshake_trickled_is_stopped_at_the_deadline() -> None:
    # A TLS record header announcing 16 KiB, then its bytes one at a time.
    with Slowloris(b"\x16\x03\x03\x40\x00", b"\x00") as server:
        problem = fetch_from(server, scheme="https")
    assert problem.startswith("attempt 1: no connection to 127.0.0.1 within ")


def test_a_proxy_from_the_environment_is_used_and_held_to_the_deadline(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The proxy trickles its answer: the request went through it, on the deadline's sockets.
    with Slowloris(b"HTTP/1.1 200 OK\r\n", b"X-Slow: 1\r\n") as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url(""))
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        patient = policy(allowed_hosts=frozenset({"stats.example.org"}), read_timeout=20.0)
        result = finish_within(5.5, lambda: fetch(
            "http://stats.example.org/page", patient, deadline=Deadline.after(0.5)))
    assert proxy.connections == 1 and result.deadline_passed
    assert "(attempt 1: stats.example.org was still sending the status line and headers (" \
        in result.error


def test_requests_and_retries_are_told_as_they_happen(loopback: LoopbackServer) -> None:
    url = loopback.url("/page")
    loopback.route("/page", Reply(500), Reply(503), Reply.text(PAGE, HTML))
    heard: list[tuple[str, Any, int, float]] = []  # what, detail, requests served, when

    def on_request(requested: str, attempt: int) -> None:
        heard.append(("request", (requested, attempt), len(loopback.requests),
                      time.monotonic()))

    def on_retry(retry: Retrying) -> None:
        heard.append(("retry", retry, len(loopback.requests), time.monotonic()))

    sleeps: list[float] = []
    result = fetch(url, policy(attempts=3), sleep=sleeps.append, rng=_HalfRandom(),
                   on_request=on_request, on_retry=on_retry)
    returned = time.monotonic()
    assert result.outcome == "fetched" and outcomes(result) == ["retry", "retry", "ok"]
    assert [(what, detail, served) for what, detail, served, _ in heard] == [
        ("request", (url, 1), 0),
        ("retry", Retrying(url, "HTTP 500 Internal Server Error from 127.0.0.1", 1, 2,
                           0.005), 1),
        ("request", (url, 2), 1),
        ("retry", Retrying(url, "HTTP 503 Service Unavailable from 127.0.0.1", 2, 2,
                           0.01), 2),
        ("request", (url, 3), 2),
    ]
    # Each retry is heard before the next request goes out, not when fetch returns.
    times = [when for *_, when in heard]
    assert times == sorted(times) and times[-1] < returned
    assert sleeps == [0.005, 0.01]  # the wait announced is the wait slept
