"""Screening rules as data: the YAML defaults in this folder, their loader, the predicate
language they are written in, and the versioning services (draft → dry run → publish)."""

from pathlib import Path

RULES_DIR = Path(__file__).resolve().parent
