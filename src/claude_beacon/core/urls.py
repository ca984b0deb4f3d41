"""URLs as they may be shown: without the credentials a user may have put in them.

A source, probe or webhook address can carry ``user:pass@`` or a token in its query
(``?token=...``, Slack and Discord put theirs in the path, which stays: it is the address).
Whatever is printed, logged, stored or sent goes through ``redact``; the real URL is kept
only where a request is made.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

HIDDEN = "REDACTED"
SECRET_WORDS = ("token", "key", "secret", "sig", "password", "passwd", "pwd", "auth", "credential")
"""A query parameter whose name contains one of these has its value hidden."""


def is_secret_name(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in SECRET_WORDS)


def redact(url: str) -> str:
    """``url`` with any ``user:pass@`` and secret-looking query values replaced by REDACTED."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.split("@", 1)[-1] if "@" in url else url
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{HIDDEN}@{netloc.rsplit('@', 1)[1]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(is_secret_name(name) for name, _ in pairs):
            query = urlencode(
                [(n, HIDDEN if is_secret_name(n) else v) for n, v in pairs], safe="/:,"
            )
    if netloc == parts.netloc and query == parts.query:
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def is_loopback(url: str) -> bool:
    """Whether ``url`` names this machine: where plain http and short intervals are allowed."""
    host = (urlsplit(url).hostname or "").strip("[]")
    if host == "localhost":
        return True
    import ipaddress  # here, not at start-up: most URLs never ask

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
