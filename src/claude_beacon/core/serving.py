"""Where this user's Claude is served: Anthropic, or Amazon Bedrock or Google Vertex AI.

Claude Code on Bedrock or Vertex is served by that cloud; Anthropic's status page does not
cover it. This is read from the settings Claude Code itself reads, so that the tools can say
so plainly and point at the cloud's own status.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum

TRUE = frozenset({"1", "true", "yes", "on"})


class Serving(StrEnum):
    ANTHROPIC = "anthropic"
    BEDROCK = "bedrock"
    VERTEX = "vertex"


def serving(environ: Mapping[str, str], model_settings: Sequence[str] = ()) -> Serving:
    """Bedrock or Vertex when Claude Code is told to use them (``CLAUDE_CODE_USE_BEDROCK``,
    ``CLAUDE_CODE_USE_VERTEX``) or a model setting is one of their ids; else Anthropic."""
    if environ.get("CLAUDE_CODE_USE_BEDROCK", "").strip().lower() in TRUE:
        return Serving.BEDROCK
    if environ.get("CLAUDE_CODE_USE_VERTEX", "").strip().lower() in TRUE:
        return Serving.VERTEX
    for spelling in (*model_settings, environ.get("ANTHROPIC_MODEL", "")):
        text = spelling.strip().lower()
        if text.startswith("arn:aws:bedrock") or "anthropic.claude" in text:
            return Serving.BEDROCK  # us.anthropic.claude-opus-4-1-20250805-v1:0
        if "@" in text and text.startswith("claude-"):
            return Serving.VERTEX  # claude-opus-4-1@20250805
    return Serving.ANTHROPIC


def serving_note(where: Serving) -> str:
    """The sentence to show, or "" for Anthropic's own API."""
    if where is Serving.BEDROCK:
        return (
            "You use Claude through Amazon Bedrock: Anthropic's status page does not cover"
            " Bedrock's serving. Check the AWS Health Dashboard for Bedrock in your region, or"
            " watch it here: claude-beacon add aws-bedrock"
        )
    if where is Serving.VERTEX:
        return (
            "You use Claude through Google Vertex AI: Anthropic's status page does not cover"
            " Vertex AI's serving. Check Google Cloud's status page for Vertex AI, or watch it"
            " here: claude-beacon add vertex-ai"
        )
    return ""
