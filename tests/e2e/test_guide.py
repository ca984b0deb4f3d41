"""The troubleshooting guide as a real browser renders it: content, and hostile text kept inert."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from claude_beacon.core import statuspage
from claude_beacon.core.model import Snapshot, SourceSpec
from claude_beacon.core.probes import ProbeResult, ProbeRole, Stage
from claude_beacon.core.verdict import judge
from claude_beacon.render import guide
from claude_beacon.render.local_history import uptime_rows
from claude_beacon.store.history import History
from tests.conftest import fixture_bytes
from tests.e2e.cdp import Browser
from tests.e2e.conftest import unavailable
from tests.support import payloads
from tests.test_history import DAY, scripted_day

SOURCE = SourceSpec("Claude", "https://status.claude.com")
NOW = datetime.now(UTC)


class Dom(HTMLParser):
    """Every element of the rendered DOM with its attributes, and the visible text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.elements if name == tag]


@pytest.fixture
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        unavailable("chromium is not installed (Debian package chromium)")
    return str(path)


def rendered(chromium: str, page: Path) -> Dom:
    """The DOM after the page's scripts ran, as headless Chromium serialises it."""
    result = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return Dom(result.stdout)


def test_guide_for_the_recorded_claude_page(chromium: str, tmp_path: Path) -> None:
    reading = statuspage.parse_summary(fixture_bytes("anthropic-summary-1.json"), SOURCE, NOW)
    snapshot = Snapshot(NOW, (reading,))
    history = statuspage.parse_history(fixture_bytes("anthropic-incidents-1.json"))
    probe = ProbeResult(
        "api.anthropic.com",
        "https://api.anthropic.com/",
        ProbeRole.CLAUDE,
        NOW,
        True,
        status=401,
        dns_ms=3,
        connect_ms=20,
        tls_ms=30,
        http_ms=90,
    )
    store = History(tmp_path / "history.sqlite3")
    scripted_day(store)
    rows = uptime_rows(store, "Claude", DAY + timedelta(hours=24))
    page = guide.write(
        guide.render(snapshot, judge(snapshot, [probe]), [probe], history, uptime=rows),
        tmp_path / "guide.html",
    )
    dom = rendered(chromium, page)
    text = " ".join(" ".join(dom.text).split())
    assert "Uptime seen from this machine" in text and "95.43%" in text
    cells = [a for t, a in dom.elements if t == "i"]
    assert len(cells) == 48 * len(rows)
    assert sum(1 for a in cells if not a.get("style")) >= 4 * len(rows)  # the gap, left blank

    (html,) = dom.all("html")
    assert html.get("data-ready") == "1"  # the page's own script ran under its CSP
    (header,) = [a for t, a in dom.elements if t == "header"]
    assert header["data-finding"] == "reported" and header["data-level"] == "degraded"
    assert "Anthropic reports degraded performance of Claude Console (platform.claude.com)" in text
    assert "We've mitigated the errors loading usage data" in text
    assert "Claude.ai down" in text and "55 min" in text  # history with a duration
    assert "HTTP 401" in text and "90 ms" in text
    assert len(dom.all("input")) == len(guide.checklist("https://status.claude.com"))
    hrefs = [a["href"] for a in dom.all("a")]
    assert hrefs and all(h and h.startswith("https://") for h in hrefs)
    assert oct(page.stat().st_mode & 0o777) == "0o600"


HOSTILE_NAME = "<script>document.documentElement.dataset.pwned='name'</script>Errors"
HOSTILE_BODY = "<img src=x onerror=\"document.documentElement.dataset.pwned='body'\"> fixing"


def test_hostile_text_stays_inert(chromium: str, tmp_path: Path) -> None:
    incident = payloads.incident(
        "evil", HOSTILE_NAME, updates=[("u1", "investigating", HOSTILE_BODY)]
    )
    incident["shortlink"] = "javascript:document.documentElement.dataset.pwned='link'"
    component = '<b onmouseover="alert(1)">Claude Code</b>'
    body = payloads.summary({component: "major_outage"}, incidents=[incident])
    reading = statuspage.parse_summary(body, SOURCE, NOW)
    snapshot = Snapshot(NOW, (reading,))
    probe = ProbeResult(
        "<i>x</i>",
        "https://x/",
        ProbeRole.CLAUDE,
        NOW,
        False,
        failed_at=Stage.HTTP,
        error="<script>alert(2)</script>",
    )
    page = guide.write(
        guide.render(snapshot, judge(snapshot, [probe]), [probe], ()), tmp_path / "guide.html"
    )
    dom = rendered(chromium, page)

    (html,) = dom.all("html")
    assert html.get("data-ready") == "1"  # scripts do run here, so a missing effect means
    assert "data-pwned" not in html  # ...that no injected one ran
    assert len(dom.all("script")) == 1  # only the page's own
    assert not any(attrs.get("onerror") or attrs.get("onmouseover") for _, attrs in dom.elements)
    assert not dom.all("img") and not dom.all("b") and not dom.all("i")
    assert not any((a.get("href") or "").lower().startswith("javascript") for a in dom.all("a"))
    text = " ".join(dom.text)
    assert HOSTILE_NAME in text and "onerror=" in text  # shown as text, not markup


def test_guide_says_which_alternative_is_up(chromium: str, tmp_path: Path) -> None:
    claude = statuspage.parse_summary(
        payloads.summary({"Claude API (api.anthropic.com)": "major_outage"}), SOURCE, NOW
    )
    openai = SourceSpec("OpenAI", "https://status.openai.com", alternative=True)
    backup = SourceSpec("Backup <AI>", "https://status.backup.example", alternative=True)
    readings = (
        claude,
        statuspage.parse_summary(fixture_bytes("openai-summary-1.json"), openai, NOW),
        statuspage.parse_summary(payloads.summary({"API": "partial_outage"}), backup, NOW),
    )
    snapshot = Snapshot(NOW, readings)
    page = guide.write(guide.render(snapshot, judge(snapshot, []), [], ()), tmp_path / "g.html")
    dom = rendered(chromium, page)
    text = " ".join(" ".join(dom.text).split())
    assert "Alternatives Up right now: OpenAI." in text
    assert "OpenAI: operational" in text and "Backup <AI>: partial outage" in text
    hrefs = [a["href"] for a in dom.all("a")]
    assert "https://status.openai.com/" in hrefs or "https://status.openai.com" in hrefs

    alone = Snapshot(NOW, (claude, readings[2]))
    page = guide.write(guide.render(alone, judge(alone, []), [], ()), tmp_path / "h.html")
    text = " ".join(" ".join(rendered(chromium, page).text).split())
    assert "None of your alternatives is fully up right now." in text


def test_ticked_boxes_are_remembered_and_the_page_has_dark_and_print_looks(
    chromium: str, tmp_path: Path
) -> None:
    reading = statuspage.parse_summary(fixture_bytes("anthropic-summary-1.json"), SOURCE, NOW)
    snapshot = Snapshot(NOW, (reading,))
    page = guide.write(guide.render(snapshot, judge(snapshot, [])), tmp_path / "guide.html")
    browser = Browser(chromium, tmp_path / "profile")
    try:
        tab = browser.open(page.as_uri())
        boxes = "document.querySelectorAll('input[type=checkbox]')"
        steps = len(guide.checklist("https://status.claude.com"))
        assert browser.evaluate(tab, f"[...{boxes}].map(b => b.checked)") == [False] * steps
        browser.evaluate(tab, f"{boxes}[4].click()")  # a real click: the page's script saves it

        again = browser.open(page.as_uri())  # the page opened anew, as the tray does each time
        assert browser.evaluate(again, f"[...{boxes}].map(b => b.checked)") == [
            i == 4 for i in range(steps)
        ]

        background = "getComputedStyle(document.body).backgroundColor"
        browser.send(
            "Emulation.setEmulatedMedia",
            again,
            features=[{"name": "prefers-color-scheme", "value": "light"}],
        )
        light = browser.evaluate(again, background)
        browser.send(
            "Emulation.setEmulatedMedia",
            again,
            features=[{"name": "prefers-color-scheme", "value": "dark"}],
        )
        assert browser.evaluate(again, background) == "rgb(13, 17, 23)" != light
        browser.send("Emulation.setEmulatedMedia", again, media="print")
        assert browser.evaluate(again, background) == "rgb(255, 255, 255)"
        link = "getComputedStyle(document.querySelector('a[href]'), '::after').content"
        assert browser.evaluate(again, link).startswith('" (https://')  # printed links say where
    finally:
        browser.close()
