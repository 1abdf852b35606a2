"""Huey discovers tasks in each app's tasks.py; the hand-off task lives in core.handoff."""

from healthloop.core.handoff import run_drain_task

__all__ = ["run_drain_task"]
