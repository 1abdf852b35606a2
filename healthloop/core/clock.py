"""The clock: one place to ask for 'today' in the configured time zone."""

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Completed years of age on a date."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def local_day(moment: dt.datetime) -> dt.date:
    """The calendar day of ``moment`` in the configured time zone (a naive datetime is taken
    as already local): 07:30 in Beijing is still the previous day in UTC, and an age on that
    day must not change with the zone a datetime happens to carry."""
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def now() -> dt.datetime:
    """The current time (aware, UTC). Time-driven services (escalations, overdue scans) ask
    here, so that tests can move the clock."""
    return timezone.now()
