"""Provenance of configurable rule tables.

Thresholds the reference marks UNVERIFIED (or that are conventions rather than published
cut-offs) are not hard-coded: each lives in a module-level table — a frozen dataclass deriving
from `Criteria` — that records where it came from and how far it is trusted. Every calculator
that uses such a table accepts a replacement through an optional `criteria` parameter, and
copies the table's provenance into `details["criteria"]` of its result, so a report can say
which rule produced it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

from healthloop.clinical.result import JsonObject

# VERIFIED: checked against two sources; UNVERIFIED: from recollection, must be checked against
# the printed guideline; CONVENTION: widely used but not defined by the instrument's authors;
# LOCAL: a replacement supplied by the deployment.
RuleStatus: TypeAlias = Literal["VERIFIED", "UNVERIFIED", "CONVENTION", "LOCAL"]


@dataclass(frozen=True, kw_only=True)
class Criteria:
    """Base of every configurable rule table."""

    name: str
    source: str
    status: RuleStatus

    def provenance(self) -> JsonObject:
        return {"name": self.name, "source": self.source, "status": self.status}
