"""Message templates: shipped YAML defaults, database overrides, rendering with variables.

Placeholders are ``{name}``; a template's ``required`` variables must be in the context
(enqueue refuses otherwise), any other placeholder renders empty when absent, so a template
text can mention optional details (``{advice}``) without every caller passing them.
"""

import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from healthloop.core.errors import ServiceError
from healthloop.notify.errors import NotifyError

TEMPLATE_FILE = Path(__file__).with_name("message_templates.yaml")
LANGUAGES = ("zh-hans", "en")
DEFAULT_LANGUAGE = "zh-hans"


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str


@lru_cache(maxsize=1)
def shipped_templates() -> dict[str, dict[str, Any]]:
    with TEMPLATE_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def template_definition(code: str) -> dict[str, Any]:
    try:
        return shipped_templates()[code]
    except KeyError:
        raise ServiceError(
            NotifyError.UNKNOWN_TEMPLATE, f"unknown message template {code!r}", field="template"
        ) from None


def normalise_language(language: str | None) -> str:
    lang = (language or DEFAULT_LANGUAGE).lower().replace("_", "-")
    if lang in ("zh", "zh-cn", "zh-hans"):
        return "zh-hans"
    return "en" if lang.startswith("en") else DEFAULT_LANGUAGE


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def _format(text: str, context: dict[str, Any]) -> str:
    return string.Formatter().vformat(text, (), _Lenient(context)).strip()


def check_context(code: str, context: dict[str, Any]) -> None:
    definition = template_definition(code)
    for name in definition.get("required", []):
        value = context.get(name)
        if value is None or value == "":
            raise ServiceError(
                NotifyError.MISSING_VARIABLE,
                f"template {code!r} needs the variable {name!r}",
                field=f"context.{name}",
            )


def _override(code: str, channel: str, language: str) -> tuple[str, str] | None:
    from healthloop.notify.models import MessageTemplate

    row = (
        MessageTemplate.objects.filter(code=code, language=language, channel__in=[channel, ""])
        .order_by("-channel")  # a channel-specific row wins over the all-channel one
        .values_list("title", "body")
        .first()
    )
    return row


def render(
    code: str,
    context: dict[str, Any],
    *,
    language: str,
    channel: str = "",
    overrides: dict[tuple, Any] | None = None,
) -> Rendered:
    """The title and body of template ``code`` for a channel ('' = the inbox text).
    ``overrides`` caches the administrators' override look-ups across calls (a batch)."""
    definition = template_definition(code)
    language = normalise_language(language)
    texts = definition["text"].get(language) or definition["text"][DEFAULT_LANGUAGE]
    title, body = texts.get("title", ""), texts["body"]
    variant = definition.get("variants", {}).get(channel, {}).get(language)
    if variant:
        title, body = variant.get("title", title), variant.get("body", body)
    if overrides is None:
        override = _override(code, channel, language)
    else:
        if (code, channel, language) not in overrides:
            overrides[(code, channel, language)] = _override(code, channel, language)
        override = overrides[(code, channel, language)]
    if override is not None:
        title, body = override
    return Rendered(title=_format(title, context), body=_format(body, context))


def provider_params(code: str, context: dict[str, Any]) -> dict[str, str]:
    """The variables for providers holding their own registered template (SMS, WeChat)."""
    mapping: dict[str, str] = template_definition(code).get("params", {})
    return {key: str(context.get(var, "")) for key, var in mapping.items()}
