"""A scriptable Statuspage server on 127.0.0.1, for tests and benchmarks.

It answers like the real CDN does where it matters to a client: weak ETags with 304 on
``If-None-Match``, gzip when asked for, HTTP/1.1 keep-alive. Each path serves one reply or a
sequence of replies (the last one repeats), and faults a real network produces are built in:
resets, hangs, a body dripping a byte a second, truncated and huge bodies. Every request is
recorded with its headers, arrival time and the status sent.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import socket
import ssl
import struct
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

Fault = Literal["reset", "hang", "drip", "drip_head", "truncate", "huge"]
SUMMARY = "/api/v2/summary.json"
HUGE_BYTES = 64 * 1024 * 1024
GZIP_ABOVE = 1024


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()
    fault: Fault | None = None
    delay: float = 0.0
    """Seconds to wait before answering."""


def json_reply(payload: Any, status: int = 200) -> Reply:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return Reply(status=status, body=body)


def html_reply(text: str, status: int = 200) -> Reply:
    return Reply(status=status, body=text.encode(), content_type="text/html; charset=utf-8")


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    at: float
    """``time.monotonic()`` when the request arrived."""
    status: int | None = None
    bytes_sent: int = 0
    bytes_received: int = 0
    method: str = "GET"
    body: bytes = b""
    """What a POST carried (the server doubles as a webhook receiver)."""


@dataclass
class _Script:
    replies: list[Reply]
    served: int = 0

    def next(self) -> Reply:
        reply = self.replies[min(self.served, len(self.replies) - 1)]
        self.served += 1
        return reply


@dataclass
class _Shared:
    scripts: dict[str, _Script] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Condition = field(init=False)
    closing: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.arrived = threading.Condition(self.lock)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (a deadline, a reset) is normal here; anything else is shown."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class StatuspageServer:
    """``with StatuspageServer() as server:`` serves on ``server.url`` until the block ends."""

    def __init__(self, port: int = 0, tls: ssl.SSLContext | None = None) -> None:
        """``tls``: a server-side context, to serve https (a ``trustme`` certificate)."""
        self._shared = _Shared()
        handler = type("Handler", (_Handler,), {"shared": self._shared})
        self._httpd = _Server(("127.0.0.1", port), handler)
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        scheme = "https" if tls else "http"
        self.url = f"{scheme}://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def __enter__(self) -> StatuspageServer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop within a second, even with handlers hanging or dripping."""
        self._shared.closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(1)

    def set(self, path: str, reply: Reply | Sequence[Reply]) -> None:
        replies = [reply] if isinstance(reply, Reply) else list(reply)
        if not replies:
            raise ValueError("a path needs at least one reply")
        with self._shared.lock:
            self._shared.scripts[path] = _Script(replies)

    def set_summary(self, payload: Any) -> None:
        self.set(SUMMARY, json_reply(payload))

    @property
    def requests(self) -> list[Request]:
        with self._shared.lock:
            return list(self._shared.requests)

    def requests_to(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def wait_for_requests(self, path: str, count: int, timeout: float = 10) -> list[Request]:
        """Block until ``path`` has had ``count`` answered requests; AssertionError if not."""
        deadline = time.monotonic() + timeout
        with self._shared.arrived:
            while True:
                got = [r for r in self._shared.requests if r.path == path and r.status is not None]
                left = deadline - time.monotonic()
                if len(got) >= count:
                    return got
                if left <= 0:
                    raise AssertionError(f"{len(got)} of {count} requests to {path} in {timeout} s")
                self._shared.arrived.wait(left)

    def wait_for_answer(
        self, path: str, since: float, statuses: Sequence[int] = (200, 304), timeout: float = 60
    ) -> Request:
        """Block until a request to ``path`` that arrived at or after ``since`` (monotonic) was
        answered with one of ``statuses``; AssertionError if none is within ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._shared.arrived:
            while True:
                for request in self._shared.requests:
                    if request.path == path and request.at >= since and request.status in statuses:
                        return request
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {statuses} answer to {path} in {timeout} s")
                self._shared.arrived.wait(left)


class _Handler(BaseHTTPRequestHandler):
    shared: _Shared
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log is the record."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.do_GET(method="POST", body=self.rfile.read(length))

    def do_GET(self, method: str = "GET", body: bytes = b"") -> None:
        path = self.path.split("?", 1)[0]
        record = Request(
            path=path,
            headers={k.lower(): v for k, v in self.headers.items()},
            at=time.monotonic(),
            bytes_received=len(self.requestline) + 2 + len(self.headers.as_bytes()) + len(body),
            method=method,
            body=body,
        )
        with self.shared.lock:
            self.shared.requests.append(record)
            script = self.shared.scripts.get(path)
            reply = script.next() if script else Reply(404, b"<h1>Not Found</h1>", "text/html")
        try:
            if reply.delay and self.shared.closing.wait(reply.delay):
                return
            self._answer(reply, record)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            with self.shared.arrived:
                if record.status is None:
                    record.status = 0  # the client saw a fault, not a status
                self.shared.arrived.notify_all()

    def _answer(self, reply: Reply, record: Request) -> None:
        if reply.fault is not None:
            self._fault(reply, record)
            return
        body, extra = reply.body, list(reply.headers)
        if reply.status == 200 and body:
            etag = 'W/"' + hashlib.sha1(body).hexdigest()[:20] + '"'
            extra.append(("ETag", etag))
            if etag in self.headers.get("If-None-Match", ""):
                self._send(304, b"", reply.content_type, extra, record)
                return
            encoded = any(name.lower() == "content-encoding" for name, _ in extra)
            asked = "gzip" in self.headers.get("Accept-Encoding", "")
            if asked and len(body) > GZIP_ABOVE and not encoded:
                body = gzip.compress(body, mtime=0)
                extra += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        self._send(reply.status, body, reply.content_type, extra, record)

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        headers: list[tuple[str, str]],
        record: Request,
        length: int | None = None,
    ) -> None:
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for name, value in headers:
            self.send_header(name, value)
        head = b"".join(getattr(self, "_headers_buffer", [])) + b"\r\n"
        # recorded before the headers go: a 304 is complete at its headers, and a client may
        # look at the record as soon as it has them
        record.status = status
        record.bytes_sent = len(head) + len(body)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _fault(self, reply: Reply, record: Request) -> None:
        self.close_connection = True
        closing = self.shared.closing
        if reply.fault == "reset":
            linger = struct.pack("ii", 1, 0)  # close with RST instead of FIN
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
            return
        if reply.fault == "hang":
            closing.wait()
            return
        body = reply.body or b'{"page": {"id": "x"}, "components": []}'
        if reply.fault == "truncate":
            self._send(200, body[: len(body) // 2], reply.content_type, [], record, len(body))
            return
        if reply.fault == "drip_head":  # even the status line and headers, a byte a second
            head = f"HTTP/1.1 200 OK\r\nContent-Type: {reply.content_type}\r\n".encode()
            record.status = 200
            for byte in head + b"X-Padding: " + b"x" * 120:
                if closing.wait(1.0):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            return
        if reply.fault == "drip":
            self._send(200, b"", reply.content_type, [], record, len(body))
            for byte in body:
                if closing.wait(1.0):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            return
        self._send(200, b"", reply.content_type, [], record, HUGE_BYTES)  # "huge"
        chunk = b" " * 65536
        for _ in range(HUGE_BYTES // len(chunk)):
            if closing.is_set():
                return
            self.wfile.write(chunk)
