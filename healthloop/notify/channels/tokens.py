"""Provider access tokens kept in the database, shared by every worker.

WeChat and WeCom tokens last 7200 s and fetching a new one retires the old (WeChat keeps the
old one valid for five minutes), so workers must share one token rather than each fetch
their own. A token is refreshed 5 minutes before it expires, or at once when the provider
refuses it (errcode 40001 / 40014 / 42001).
"""

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from healthloop.notify.models import ProviderToken

MARGIN = dt.timedelta(minutes=5)

Fetch = Callable[[], tuple[str, int]]  # → (token, expires_in seconds)


def cached_token(name: str, fetch: Fetch, *, force: bool = False, stale: str = "") -> str:
    """The shared token ``name``; fetched (under a row lock) when missing, near expiry, or
    ``force``d — unless another worker already replaced the ``stale`` value we were refused."""
    now = timezone.now()
    if not force:
        row = ProviderToken.objects.filter(name=name, expires_at__gt=now + MARGIN).first()
        if row is not None:
            return row.value
    with transaction.atomic():
        row, _ = ProviderToken.objects.select_for_update().get_or_create(
            name=name, defaults={"value": "", "expires_at": now}
        )
        fresh = row.value and row.expires_at > now + MARGIN
        if fresh and (not force or (stale and row.value != stale)):
            return row.value
        token, expires_in = fetch()
        row.value = token
        row.expires_at = now + dt.timedelta(seconds=expires_in)
        row.save(update_fields=["value", "expires_at"])
        return token
