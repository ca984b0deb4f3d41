"""Which certificate authorities a connection trusts, loaded in a fraction of a millisecond.

Parsing a CA bundle (certifi's, or the system's one file) costs about 15 ms at every start, a
tenth of what ``status`` takes. Where the system keeps its CAs in a directory that OpenSSL can
search by subject hash (Debian, Ubuntu, Arch, Alpine, openSUSE: ``update-ca-certificates``,
``c_rehash``), a context reads only the certificates a server's chain leads to, when it leads
to them; that directory is also where administrators add their own CAs (a company proxy's).
Elsewhere (macOS, Windows, a bundle-only layout) connections trust the bundle, as before.
"""

from __future__ import annotations

import os
import re
import ssl
import sys
from functools import cache

HASHED_NAME = re.compile(r"[0-9a-f]{8}\.[0-9]+")
"""How OpenSSL names a CA certificate in a hashed directory: ``5ad8a5d6.0``."""
SYSTEMS = ("linux", "freebsd", "openbsd", "netbsd")


def hashed_directory(paths: ssl.DefaultVerifyPaths) -> str | None:
    """The first of the system's CA directories that OpenSSL can search by hash, if any."""
    if not sys.platform.startswith(SYSTEMS):
        return None
    for directory in dict.fromkeys(d for d in (paths.capath, paths.openssl_capath) if d):
        try:
            with os.scandir(directory) as entries:
                if any(HASHED_NAME.fullmatch(entry.name) for entry in entries):
                    return directory
        except OSError:
            continue
    return None


def system_directory() -> str | None:
    """The system's hashed CA directory, unless ``SSL_CERT_FILE`` or ``SSL_CERT_DIR`` names the
    CAs to trust (they are honoured as they were)."""
    if os.environ.get("SSL_CERT_FILE") or os.environ.get("SSL_CERT_DIR"):
        return None
    return _system_hashed_directory()


@cache
def _system_hashed_directory() -> str | None:
    """Looked for once per process: every client and probe asks, and the answer does not move."""
    return hashed_directory(ssl.get_default_verify_paths())


def directory_context(directory: str) -> ssl.SSLContext:
    """A verifying client context that looks CAs up in ``directory`` as it needs them."""
    return ssl.create_default_context(capath=directory)


def source() -> str:
    """Where the CAs a connection trusts come from, in words for ``doctor``."""
    for variable in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        if os.environ.get(variable):
            return f"{variable} (from the environment)"
    directory = system_directory()
    return f"the system's, looked up in {directory}" if directory else "certifi's bundle"
