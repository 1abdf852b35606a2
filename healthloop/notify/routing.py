"""Who is reached how and when: channel plans, addresses and quiet hours."""

import datetime as dt
from typing import Any

from django.utils import timezone

from healthloop.notify import conf
from healthloop.notify.models import Channel, NotificationPreference
from healthloop.notify.templates import DEFAULT_LANGUAGE, normalise_language

CHANNELS = tuple(c.value for c in Channel)
# Person.preferred_channel says "app" for the in-app inbox.
_PERSON_CHANNEL = {"app": Channel.INAPP.value}
PERSON_FALLBACK = ("wechat", "sms", "email", "inapp")
STAFF_FALLBACK = ("inapp", "wecom", "sms", "email")


def preference_of(*, person: Any = None, user: Any = None) -> NotificationPreference | None:
    if person is not None:
        return NotificationPreference.objects.filter(person=person).first()
    return NotificationPreference.objects.filter(user=user).first()


def address(channel: str, *, person: Any, user: Any, pref: NotificationPreference | None) -> str:
    """The recipient's address on a channel, '' when there is none."""
    if channel == Channel.INAPP:
        return "inbox"
    if person is not None:
        if channel == Channel.SMS:
            return person.phone or ""
        if channel == Channel.WECHAT:
            return person.wechat_openid or ""
        if channel == Channel.EMAIL:
            return pref.email if pref else ""
        return ""  # WeCom reaches staff only
    if channel == Channel.SMS:
        return pref.phone if pref else ""
    if channel == Channel.WECOM:
        return pref.wecom_userid if pref else ""
    if channel == Channel.EMAIL:
        return (pref.email if pref else "") or user.email or ""
    return ""  # official-account messages reach persons only


def channel_plan(*, person: Any = None, user: Any = None) -> list[str]:
    """Preference first, then the fallback order, keeping only channels with an address."""
    pref = preference_of(person=person, user=user)
    if pref is not None and pref.channels:
        wanted = list(pref.channels)
    elif person is not None:
        first = _PERSON_CHANNEL.get(person.preferred_channel, person.preferred_channel)
        wanted = [first, *PERSON_FALLBACK]
    else:
        wanted = list(STAFF_FALLBACK)
    plan: list[str] = []
    for channel in wanted:
        usable = channel in CHANNELS and channel not in plan
        if usable and address(channel, person=person, user=user, pref=pref):
            plan.append(channel)
    return plan or [Channel.INAPP.value]


def language_of(*, person: Any = None, user: Any = None) -> str:
    pref = preference_of(person=person, user=user)
    return normalise_language(pref.language if pref and pref.language else DEFAULT_LANGUAGE)


def _parse_window(text: str) -> tuple[dt.time, dt.time] | None:
    if not text or "-" not in text:
        return None
    start, end = (dt.time.fromisoformat(part.strip()) for part in text.split("-", 1))
    return start, end


def quiet_hours(*, person: Any = None, user: Any = None) -> tuple[dt.time, dt.time] | None:
    pref = preference_of(person=person, user=user)
    if pref is not None and pref.quiet_start is not None and pref.quiet_end is not None:
        if pref.quiet_start == pref.quiet_end:
            return None  # the person asked for no quiet hours
        return pref.quiet_start, pref.quiet_end
    return _parse_window(conf.get("NOTIFY_QUIET_HOURS"))


def _inside(t: dt.time, start: dt.time, end: dt.time) -> bool:
    if start <= end:
        return start <= t < end
    return t >= start or t < end  # the window spans midnight


def outside_quiet_hours(when: dt.datetime, window: tuple[dt.time, dt.time] | None) -> dt.datetime:
    """``when``, or the end of the quiet window it falls in (local time)."""
    if window is None:
        return when
    start, end = window
    local = timezone.localtime(when)
    if not _inside(local.time().replace(tzinfo=None), start, end):
        return when
    end_day = local.date()
    if start > end and local.time().replace(tzinfo=None) >= start:
        end_day += dt.timedelta(days=1)  # evening part of an overnight window
    tz = timezone.get_current_timezone()
    return timezone.make_aware(dt.datetime.combine(end_day, end), tz)
