"""The pages one may watch: built-in presets, what a typed address or name means, and which
provider serves a page.

``claude-beacon add URL`` asks the page which provider it is (each provider's own document,
read and checked by the same code that polls it); ``config_edit`` then writes the choice into
the config file, keeping everything already written there.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from claude_beacon.config import settings as config_module
from claude_beacon.core.model import (
    Failure,
    FailureKind,
    Reading,
    SourceSpec,
    failed_reading,
)
from claude_beacon.core.providers import PROVIDERS, gather, kind_for_host
from claude_beacon.net.fetcher import Fetcher


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    url: str
    kind: str = "statuspage"
    alternative: bool = False
    """A service one can switch to when Claude is down (the guide says which one is up)."""
    components: tuple[str, ...] = ()
    """Only these (a feed's entries that name them), where the page covers much more."""


PRESETS: dict[str, Preset] = {
    "claude": Preset("Claude", "https://status.claude.com"),
    "openai": Preset("OpenAI", "https://status.openai.com", alternative=True),
    "perplexity": Preset(
        "Perplexity", "https://status.perplexity.com", "instatus", alternative=True
    ),
    "github": Preset("GitHub", "https://www.githubstatus.com"),
    "cloudflare": Preset("Cloudflare", "https://www.cloudflarestatus.com"),
    "discord": Preset("Discord", "https://discordstatus.com"),
    "vercel": Preset("Vercel", "https://www.vercel-status.com"),
    "npm": Preset("npm", "https://status.npmjs.org"),
    "pypi": Preset("PyPI", "https://status.python.org"),
    "aws-bedrock": Preset(
        "Amazon Bedrock", "https://status.aws.amazon.com/rss/bedrock-us-east-1.rss", "feed"
    ),
    "vertex-ai": Preset(
        "Vertex AI",
        "https://status.cloud.google.com/en/feed.atom",
        "feed",
        components=("Vertex AI",),
    ),
}
"""Pages a developer who uses Claude often watches too; the AI ones are alternatives. The
clouds' feeds are for Claude served by Bedrock or Vertex AI, which Anthropic's page does not
cover: not alternatives, the service itself."""

BEDROCK_FEED = "https://status.aws.amazon.com/rss/bedrock-{region}.rss"
"""The AWS Health Dashboard's feed for Bedrock in one region."""
DEFAULT_REGION = "us-east-1"
_REGION = re.compile(r"[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}")


def aws_region(environ: Mapping[str, str]) -> str:
    """``AWS_REGION`` (else ``AWS_DEFAULT_REGION``) when it is a region's name; else us-east-1."""
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        region = environ.get(name, "").strip().lower()
        if _REGION.fullmatch(region):
            return region
    return DEFAULT_REGION


def regional(preset: Preset, environ: Mapping[str, str] | None = None) -> Preset:
    """A preset with this machine's AWS region in its address (Bedrock's feed is per region)."""
    if preset is not PRESETS["aws-bedrock"]:
        return preset
    region = aws_region(os.environ if environ is None else environ)
    return replace(preset, url=BEDROCK_FEED.format(region=region))


TITLE_LENGTH = 60
"""The longest name taken from a page itself; a person may type a longer one."""
UNREACHABLE = frozenset({FailureKind.CONNECT, FailureKind.TIMEOUT, FailureKind.TLS})
"""Failures of the host rather than of one document: asking it for another provider's is moot."""

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(.*)", re.DOTALL)
_PORT_THEN_PATH = re.compile(r"\d+(?:[/?#].*)?", re.DOTALL)
_LINE_BREAKS = frozenset({"Cc", "Zl", "Zp", "Cs"})
"""Control characters, line and paragraph separators, and bytes that were not UTF-8."""


class EditError(Exception):
    """A page cannot be added, renamed or removed; the message says why, in words a person
    can act on."""


def page_address(page: str) -> str:
    """The status page URL a typed address means, checked before anything is sent to it.

    Without a scheme, a page on this machine is read over plain http (a test or a local
    mirror) and any other over https; schemes other than these two are refused.
    """
    text = page.strip()
    if not text or any(unicodedata.category(c) in _LINE_BREAKS for c in text):
        raise EditError(f"{page!r}: expected a status page's address, such as status.openai.com")
    scheme = _SCHEME.fullmatch(text)
    if scheme and not _PORT_THEN_PATH.fullmatch(scheme.group(2)):  # "localhost:8123" has none
        if scheme.group(1).lower() not in ("http", "https"):
            raise EditError(
                f"{text}: expected an https:// address; {scheme.group(1)}: addresses are not "
                "status pages"
            )
        url = text
    else:
        url = f"http://{text}" if config_module.is_loopback(f"http://{text}") else f"https://{text}"
    url = config_module.page_url(url)
    try:
        parts = urlsplit(url)
        _ = parts.port  # a port out of range raises here rather than later
    except ValueError as exc:
        raise EditError(f"{text}: not an address ({exc})") from None
    if not parts.hostname or " " in parts.netloc:
        raise EditError(f"{text}: expected an address with a host name, such as status.openai.com")
    if parts.scheme.lower() == "http" and not config_module.is_loopback(url):
        raise EditError(
            f"{text}: expected an https:// address (plain http is allowed only for this machine)"
        )
    return url


def person_name(name: str) -> str:
    """A name as typed, trimmed; refused only if it is empty or not one line of text."""
    trimmed = name.strip()
    if not trimmed:
        raise EditError("--name: expected a name, got nothing")
    if any(unicodedata.category(c) == "Cs" for c in trimmed):
        raise EditError("--name: not valid text (the terminal did not send UTF-8)")
    if any(unicodedata.category(c) in _LINE_BREAKS for c in trimmed):
        raise EditError("--name: expected one line of text (no line breaks, tabs or control codes)")
    return trimmed


def page_title(text: str, fallback: str) -> str:
    """A name taken from a page (untrusted): one line of at most ``TITLE_LENGTH`` characters."""
    flat = "".join(" " if unicodedata.category(c) in _LINE_BREAKS else c for c in text)
    words = " ".join(flat.split())
    if len(words) > TITLE_LENGTH:
        words = words[: TITLE_LENGTH - 1].rstrip() + "…"
    return words or fallback


def same_page(a: str, b: str) -> bool:
    """Whether two base URLs are one page (Claude's two addresses are one)."""
    return _page_key(a) == _page_key(b)


def _page_key(url: str) -> str:
    parts = urlsplit(config_module.page_url(url))
    host = (parts.hostname or "").lower().rstrip(".")
    if host in config_module.CLAUDE_HOSTS and parts.path in ("", "/"):
        return "claude"
    port = f":{parts.port}" if parts.port else ""
    return f"{host}{port}{parts.path.rstrip('/')}"


def preset_for(page: str) -> Preset | None:
    """The preset ``page`` names (``openai``), or Claude's for either of its addresses."""
    if preset := PRESETS.get(page.strip().casefold()):
        return regional(preset)
    try:
        url = page_address(page)
    except EditError:
        return None
    return PRESETS["claude"] if same_page(url, PRESETS["claude"].url) else None


def detect(url: str, fetcher: Fetcher) -> tuple[str, Reading]:
    """The provider serving ``url`` and its first reading; ``EditError`` if none does.

    Statuspage is asked first (many incident.io pages serve its API too, with every
    component), unless the host names its provider. A host that cannot be reached is
    reported once: the other providers' documents live on the same host.
    """
    base = config_module.page_url(url)
    host = urlsplit(base).hostname or ""
    # A plain feed is asked for only at an address that looks like one: any page is "XML".
    order = [kind for kind in PROVIDERS if kind != "feed" or looks_like_feed(base)]
    if hinted := kind_for_host(host):
        order.remove(hinted)
        order.insert(0, hinted)
    tried: dict[str, list[str]] = {}
    for kind in order:
        reading = read_once(SourceSpec(name=host, url=base, kind=kind), fetcher)
        if reading.ok:
            return kind, reading
        failure = reading.failure or Failure(FailureKind.BAD_PAYLOAD, "no reading")
        if failure.kind in UNREACHABLE:
            raise EditError(f"cannot read {base}: {failure.message}{_tls_hint(base, failure)}")
        tried.setdefault(failure.message, []).append(PROVIDERS[kind].label)
    reasons = "; ".join(f"{', '.join(labels)}: {message}" for message, labels in tried.items())
    raise EditError(f"{base} is not a status page claude-beacon can read ({reasons})")


def looks_like_feed(url: str) -> bool:
    """An address that names an RSS or Atom document: ``.../bedrock-us-east-1.rss``."""
    path = urlsplit(url).path.lower()
    return path.endswith((".rss", ".atom", ".xml", "/feed", "/rss"))


def _tls_hint(base: str, failure: Failure) -> str:
    if failure.kind is FailureKind.TLS and config_module.is_loopback(base):
        return " (a page on this machine without TLS is read over http://)"
    return ""


def read_once(source: SourceSpec, fetcher: Fetcher) -> Reading:
    """One reading of ``source`` with its provider's documents; failures are readings too."""
    provider = PROVIDERS[source.kind]
    now = datetime.now(UTC)

    def fetch(url: str, _required: bool) -> bytes | Failure:
        response = fetcher.get(url, conditional=False)
        return response if isinstance(response, Failure) else response.body

    bodies = gather(provider.urls(source.url), fetch)
    if isinstance(bodies, Failure):
        return failed_reading(source, now, bodies)
    return provider.read(bodies, source, now)
