"""notify's settings: a Django setting of the same name wins, else the environment, else the
default. Console/log backends are the default, so a fresh checkout never calls a provider.

  NOTIFY_SMS_BACKEND       console | aliyun
  NOTIFY_WECHAT_BACKEND    console | wechat
  NOTIFY_WECOM_BACKEND     console | wecom
  NOTIFY_EMAIL_BACKEND     console | smtp   (smtp uses Django's EMAIL_HOST, EMAIL_PORT, ...)
  NOTIFY_QUIET_HOURS       "22:00-08:00" local time; "" for none (urgent staff messages bypass)
  NOTIFY_RATE_LIMITS       "sms=600,wechat=1200,wecom=1200,email=600" sends per minute
  NOTIFY_MAX_ATTEMPTS      attempts per channel before falling back (default 6)
  NOTIFY_RETRY_BASE_SECONDS / NOTIFY_RETRY_MAX_SECONDS   exponential back-off (30 s .. 1 h)
  NOTIFY_LEASE_SECONDS     how long a claim holds a row (default 120)
  NOTIFY_BATCH_SIZE        rows per claim (default 500)
  NOTIFY_SEND_THREADS      concurrent provider calls per batch (default 4: fastest on the
                           2-core reference machine, where a call costs CPU, not waiting;
                           raise it for a distant provider whose calls mostly wait)
  NOTIFY_ALIYUN_ENDPOINT / _ACCESS_KEY_ID / _ACCESS_KEY_SECRET / _SIGN_NAME / _TEMPLATES
  NOTIFY_WECHAT_ENDPOINT / _APPID / _SECRET / _TEMPLATES / _KIND (template | subscribe)
  NOTIFY_WECOM_ENDPOINT / _CORPID / _CORPSECRET / _AGENTID
  NOTIFY_EMAIL_FROM
"""

import os
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "NOTIFY_SMS_BACKEND": "console",
    "NOTIFY_WECHAT_BACKEND": "console",
    "NOTIFY_WECOM_BACKEND": "console",
    "NOTIFY_EMAIL_BACKEND": "console",
    "NOTIFY_QUIET_HOURS": "22:00-08:00",
    "NOTIFY_RATE_LIMITS": "sms=600,wechat=1200,wecom=1200,email=600",
    "NOTIFY_MAX_ATTEMPTS": "6",
    "NOTIFY_RETRY_BASE_SECONDS": "30",
    "NOTIFY_RETRY_MAX_SECONDS": "3600",
    "NOTIFY_LEASE_SECONDS": "120",
    "NOTIFY_BATCH_SIZE": "500",
    "NOTIFY_SEND_THREADS": "4",
    "NOTIFY_HTTP_TIMEOUT_SECONDS": "10",
    "NOTIFY_ALIYUN_ENDPOINT": "https://dysmsapi.aliyuncs.com/",
    "NOTIFY_ALIYUN_ACCESS_KEY_ID": "",
    "NOTIFY_ALIYUN_ACCESS_KEY_SECRET": "",
    "NOTIFY_ALIYUN_SIGN_NAME": "",
    # template code → Aliyun TemplateCode, e.g. "alert.confirmed=SMS_123,followup.due=SMS_456"
    "NOTIFY_ALIYUN_TEMPLATES": "",
    "NOTIFY_WECHAT_ENDPOINT": "https://api.weixin.qq.com/",
    "NOTIFY_WECHAT_APPID": "",
    "NOTIFY_WECHAT_SECRET": "",
    "NOTIFY_WECHAT_TEMPLATES": "",
    "NOTIFY_WECHAT_KIND": "template",
    "NOTIFY_WECOM_ENDPOINT": "https://qyapi.weixin.qq.com/",
    "NOTIFY_WECOM_CORPID": "",
    "NOTIFY_WECOM_CORPSECRET": "",
    "NOTIFY_WECOM_AGENTID": "0",
    "NOTIFY_EMAIL_FROM": "HealthLoop <noreply@healthloop.local>",
}


def get(name: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, DEFAULTS[name])
    return str(value)


def get_int(name: str) -> int:
    return int(get(name))


def get_map(name: str) -> dict[str, str]:
    """``"a=1,b=2"`` → ``{"a": "1", "b": "2"}``."""
    pairs = (item.split("=", 1) for item in get(name).split(",") if "=" in item)
    return {key.strip(): value.strip() for key, value in pairs}
