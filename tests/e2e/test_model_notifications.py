"""What a person whose model is Claude Opus 4.8 sees on a real desktop when the page names models.

The app from a plain ``pip install`` runs with ``ANTHROPIC_MODEL=claude-opus-4-8``, dunst
answers its notifications and a StatusNotifierItem host shows its tray. The page writes as
Claude's does: one incident per model, with impact ``none`` and no component. An incident on
your model interrupts you and says what to switch to, and the tray shows it as degraded; one on
another model says it is not yours, at low urgency.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.desktop import Desktop, NotifyMonitor
from tests.e2e.flavours import Flavour
from tests.e2e.sni_rig import SniItem, label_starting, registered_item, wait_until
from tests.e2e.trayapp import TrayApp
from tests.support import payloads
from tests.support.statuspage_server import StatuspageServer

pytestmark = [
    pytest.mark.sni_host,
    pytest.mark.no_tray_host,
    pytest.mark.parametrize("flavour", ["pip"], indirect=True),
]
LOW, NORMAL = 0, 1
"""Urgencies of the notification specification."""


def model_incident(item_id: str, model: str) -> dict[str, Any]:
    """An incident as Claude's page writes one about a model: no impact, no component."""
    return payloads.incident(item_id, f"Elevated errors on Claude {model}", impact="none")


def tooltip(item: SniItem) -> str:
    """The tooltip's title: what a host shows on hover."""
    return str(item.prop("ToolTip")[2])


def test_your_models_incident_interrupts_with_advice_and_another_models_is_quiet(
    desktop: Desktop,
    notifications: NotifyMonitor,
    server: StatuspageServer,
    isolated_home: Path,
    flavour: Flavour,
) -> None:
    desktop.env["ANTHROPIC_MODEL"] = "claude-opus-4-8"
    desktop.env.pop("CLAUDE_CONFIG_DIR", None)
    opus = model_incident("opus", "Opus 4.8")
    server.set_summary(payloads.summary(incidents=[opus]))
    app = TrayApp(desktop, isolated_home, server.url, flavour)
    try:
        (yours,) = notifications.wait_for(1, answered=True)
        assert yours.summary == "Claude: new incident"
        assert yours.body.split("\n")[:3] == [
            "Elevated errors on Claude Opus 4.8",
            "degraded · investigating",  # the page's impact is none; your model makes it degraded
            "Your model: Opus 4.8; Sonnet is not affected: /model sonnet",
        ]
        assert dict(yours.hints)["urgency"] >= NORMAL

        with desktop.connect() as bus:
            item = registered_item(desktop, bus)
            degraded = (
                "Claude: degraded — Opus 4.8 has elevated errors; "
                "Sonnet is not affected: /model sonnet"
            )
            wait_until(lambda: tooltip(item) == degraded, 15, "the degraded tooltip")

            haiku = model_incident("haiku", "Haiku 4.5")
            server.set_summary(payloads.summary(incidents=[haiku, opus]))
            others = notifications.wait_for(2, answered=True)[1]
            assert others.summary == "Claude: new incident"
            assert others.body.split("\n")[:3] == [
                "Elevated errors on Claude Haiku 4.5",
                "operational · investigating",  # as the page says: not your model
                "Not your model: Haiku 4.5",
            ]
            assert "/model" not in others.body
            assert dict(others.hints)["urgency"] == LOW
            assert others.replaces_id == 0  # its own bubble, not the Opus one's
            wait_until(
                lambda: label_starting(item, "Haiku 4.5 has elevated errors") is not None,
                15,
                "the other model's note in the menu",
            )
            assert tooltip(item) == degraded  # the newer incident is not yours: yours leads
        assert len(notifications.calls) == 2
    finally:
        assert app.stop() == 0, app.stderr
    assert "Traceback" not in app.stderr
