"""Portal settings: a Django setting of the same name wins, else the default.

PORTAL_CODE_TTL_SECONDS        how long an SMS code is valid (300)
PORTAL_CODE_RESEND_SECONDS     minimum gap between two codes for one phone (60)
PORTAL_CODES_PER_PHONE_HOUR    codes per phone number per hour (5)
PORTAL_CODES_PER_IP_HOUR       codes per client address per hour (20)
PORTAL_CODE_MAX_ATTEMPTS       wrong entries before a code is dead (5)
"""

from django.conf import settings

DEFAULTS = {
    "PORTAL_CODE_TTL_SECONDS": 300,
    "PORTAL_CODE_RESEND_SECONDS": 60,
    "PORTAL_CODES_PER_PHONE_HOUR": 5,
    "PORTAL_CODES_PER_IP_HOUR": 20,
    "PORTAL_CODE_MAX_ATTEMPTS": 5,
}


def get(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))
