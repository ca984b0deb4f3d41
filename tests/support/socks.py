"""A minimal SOCKS5 proxy on 127.0.0.1 (no authentication, CONNECT only) that counts its tunnels.

Enough to show that requests really travel through a ``socks5://`` proxy named in ``ALL_PROXY``.
"""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
from types import TracebackType


class _Tunnel(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        client = self.request
        _version, methods = client.recv(2)
        client.recv(methods)
        client.sendall(b"\x05\x00")  # no authentication
        _version, command, _reserved, address_type = client.recv(4)
        if address_type == 1:
            host = socket.inet_ntoa(client.recv(4))
        elif address_type == 3:
            host = client.recv(client.recv(1)[0]).decode()
        else:
            host = socket.inet_ntop(socket.AF_INET6, client.recv(16))
        (port,) = struct.unpack("!H", client.recv(2))
        if command != 1:
            client.sendall(b"\x05\x07\x00\x01" + bytes(6))  # command not supported
            return
        upstream = socket.create_connection((host, port), timeout=5)
        self.server.tunnels.append(f"{host}:{port}")
        client.sendall(b"\x05\x00\x00\x01" + bytes(6))
        pipe(client, upstream)


def pipe(one: socket.socket, other: socket.socket) -> None:
    """Copy bytes both ways until either side closes."""

    def copy(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            target.close()

    back = threading.Thread(target=copy, args=(other, one), daemon=True)
    back.start()
    copy(one, other)
    back.join(5)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    tunnels: list[str]


class SocksProxy:
    """``with SocksProxy() as proxy:`` then ``ALL_PROXY=proxy.url``; ``tunnels`` lists targets."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Tunnel)
        self._server.tunnels = []
        self.url = f"socks5://127.0.0.1:{self._server.server_address[1]}"

    @property
    def tunnels(self) -> list[str]:
        return self._server.tunnels

    def __enter__(self) -> SocksProxy:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
