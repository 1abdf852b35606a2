"""Due dates and windows (pure functions: dates in, dates and labels out).

A task due on *D* for an interval of *I* days with window share *s* has a window of
``w = round(I × s)`` days (half up) on each side: ``[D − w, D + w]``. Classified on a day *d*:

| label     | when                                                            |
|-----------|-----------------------------------------------------------------|
| early     | done before the window opens (d < D − w)                         |
| on_time   | done inside the window (D − w ≤ d ≤ D + w, both ends included)   |
| late      | done after the window closed (d > D + w)                         |
| overdue   | not done and the window has closed (today > D + w)               |

An open task whose window has not closed has no label yet.
"""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    due: dt.date
    start: dt.date
    end: dt.date


def window_days(interval_days: int, share: float) -> int:
    return max(0, int(interval_days * share + 0.5))


def window_for(due: dt.date, interval_days: int, share: float) -> Window:
    half = dt.timedelta(days=window_days(interval_days, share))
    return Window(due=due, start=due - half, end=due + half)


def classify_done(done_on: dt.date, start: dt.date, end: dt.date) -> str:
    if done_on < start:
        return "early"
    if done_on <= end:
        return "on_time"
    return "late"


def is_overdue(today: dt.date, end: dt.date) -> bool:
    return today > end
