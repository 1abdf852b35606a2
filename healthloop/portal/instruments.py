"""Questionnaire definitions for the portal, loaded from ``questionnaires/*.yaml``.

A definition lists its items (text in zh and en, an answer type, the answer choices) and how
the answers are assembled into the calculator's input (``answers.shape``):

- ``list``: the item values in item order (PHQ-9, GAD-7, PSS-10);
- ``map``: one calculator field per item, named by the item id (PSQI);
- ``groups``: per constitution, the item ids in the standard's order; an item id may appear in
  two groups (a question the standard shares) and a nested list holds the by-sex variants
  ``[female, male]`` (TCM constitution).

Every item is required. Items with ``sex`` are shown only to persons of that sex.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DIRECTORY = Path(__file__).resolve().parent / "questionnaires"
ORDER = ("phq9", "gad7", "pss10", "psqi", "tcm_constitution")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class AnswerError(ValueError):
    def __init__(self, item: str, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.item = item
        self.message = message
        self.missing = missing


@dataclass(frozen=True)
class Instrument:
    code: str
    raw: dict[str, Any]

    @property
    def items(self) -> list[dict[str, Any]]:
        return self.raw["items"]

    def items_for(self, sex: str) -> list[dict[str, Any]]:
        return [i for i in self.items if i.get("sex") in (None, sex)]

    def pages_for(self, sex: str) -> list[list[str]]:
        ids = [item["id"] for item in self.items_for(sex)]
        size = int(self.raw.get("page_size", 5))
        return [ids[start : start + size] for start in range(0, len(ids), size)]

    def definition(self, sex: str) -> dict[str, Any]:
        """What the client renders: items (choices expanded) in pages."""
        choices = self.raw.get("choices", {})
        items = []
        for item in self.items_for(sex):
            out = {k: v for k, v in item.items() if k not in ("choices", "sex")}
            out.setdefault("type", "choice")
            out["choices"] = choices[item["choices"]] if "choices" in item else []
            items.append(out)
        return {
            "code": self.code,
            "title": self.raw["title"],
            "intro": self.raw.get("intro", {}),
            "minutes": self.raw.get("minutes"),
            "items": items,
            "pages": self.pages_for(sex),
        }

    def clean_value(self, item: dict[str, Any], value: Any) -> Any:
        """One answer checked against its item; AnswerError names the item."""
        kind = item.get("type", "choice")
        if kind == "choice":
            allowed = {c["value"] for c in self.raw["choices"][item["choices"]]}
            if isinstance(value, bool) or value not in allowed:
                raise AnswerError(item["id"], f"第{item['id']}题的答案无效：{value!r}")
            return value
        if kind == "time":
            if not isinstance(value, str) or not _CLOCK.match(value):
                raise AnswerError(item["id"], f"第{item['id']}题请填写时间（时:分）")
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise AnswerError(item["id"], f"第{item['id']}题请填写数字")
        if not item["min"] <= value <= item["max"]:
            raise AnswerError(item["id"], f"第{item['id']}题应在{item['min']}～{item['max']}之间")
        return value

    def clean_draft(self, answers: Any, sex: str) -> dict[str, Any]:
        """A draft keeps only answered, valid items of this person's form."""
        if not isinstance(answers, dict):
            raise AnswerError("answers", "答案格式无效")
        by_id = {item["id"]: item for item in self.items_for(sex)}
        cleaned = {}
        for key, value in answers.items():
            if key not in by_id:
                raise AnswerError(str(key), f"问卷中没有此题：{key}")
            if value is None or value == "":
                continue
            cleaned[key] = self.clean_value(by_id[key], value)
        return cleaned

    def calculator_answers(self, answers: Any, sex: str) -> Any:
        """The complete answers as the calculator takes them; the first unanswered item in
        form order raises AnswerError(missing=True)."""
        cleaned = self.clean_draft(answers, sex)
        for item in self.items_for(sex):
            if item["id"] not in cleaned:
                raise AnswerError(item["id"], "请回答所有题目", missing=True)
        shape = self.raw["answers"]["shape"]
        if shape == "list":
            return [cleaned[item["id"]] for item in self.items]
        if shape == "map":
            return dict(cleaned)
        female = sex == "female"
        return {
            group: [cleaned[(i[0] if female else i[1]) if isinstance(i, list) else i] for i in ids]
            for group, ids in self.raw["answers"]["groups"].items()
        }


@cache
def instruments() -> dict[str, Instrument]:
    loaded = {}
    for code in ORDER:
        raw = yaml.safe_load((DIRECTORY / f"{code}.yaml").read_text(encoding="utf-8"))
        loaded[code] = Instrument(code=code, raw=raw)
    return loaded


def get_instrument(code: str) -> Instrument | None:
    return instruments().get(code)
