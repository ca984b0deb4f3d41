"""A forward HTTP proxy on 127.0.0.1: absolute-form requests relayed byte for byte, and CONNECT.

Bytes are piped as they come, so a server that drips its answer drips through the proxy too.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from types import TracebackType
from urllib.parse import urlsplit

from tests.support.socks import pipe


class _Relay(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        line = self.rfile.readline(65537).decode("latin-1")
        if not line.strip():
            return
        method, target, version = line.split()
        head: list[bytes] = []
        while (header := self.rfile.readline(65537)) not in (b"\r\n", b"\n", b""):
            head.append(header)
        self.server.used.append(f"CONNECT {target}" if method == "CONNECT" else target)
        if method == "CONNECT":
            host, port = target.rsplit(":", 1)
            upstream = socket.create_connection((host, int(port)), timeout=5)
            self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:
            parts = urlsplit(target)
            upstream = socket.create_connection((parts.hostname, parts.port or 80), timeout=5)
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            length = next(
                (int(h.split(b":", 1)[1]) for h in head if h.lower().startswith(b"content-length")),
                0,
            )
            body = self.rfile.read(length) if length else b""
            upstream.sendall(f"{method} {path} {version}\r\n".encode() + b"".join(head) + b"\r\n")
            upstream.sendall(body)
        upstream.settimeout(None)
        pipe(self.request, upstream)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    used: list[str]


class HttpProxy:
    """``with HttpProxy() as proxy:`` then ``HTTP_PROXY=proxy.url``; ``used`` lists requests."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Relay)
        self._server.used = []
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def used(self) -> list[str]:
        return self._server.used

    def __enter__(self) -> HttpProxy:
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
