"""Idle session timeout: a session unused for ``SESSION_IDLE_TIMEOUT`` seconds is logged out
(audited as ``logout.idle``); the next request is anonymous. The last activity is written at
most once a minute so that reads do not rewrite the session on every request."""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout

from healthloop.audit.services import record_event

ACTIVITY_KEY = "last_activity"
_WRITE_EVERY_S = 60


def mark_activity(request) -> None:
    request.session[ACTIVITY_KEY] = int(time.time())


class IdleSessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY):
            now, last = int(time.time()), session.get(ACTIVITY_KEY)
            if last is not None and now - int(last) > settings.SESSION_IDLE_TIMEOUT:
                user = request.user
                record_event(actor=user, action="logout.idle", request=request,
                             detail={"idle_seconds": now - int(last)})  # fmt: skip
                logout(request)
            elif last is None or now - int(last) >= _WRITE_EVERY_S:
                session[ACTIVITY_KEY] = now
        return self.get_response(request)
