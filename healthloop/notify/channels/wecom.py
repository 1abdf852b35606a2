"""WeCom (企业微信) application messages to staff: ``/cgi-bin/gettoken`` then
``/cgi-bin/message/send``. The token is shared by every worker (tokens.py) and refreshed on
errcode 40014 / 42001. ``enable_duplicate_check`` makes WeCom drop a repeat of the same message
to the same user within the interval, so a retry after an unknown outcome does not send twice.
A user WeCom does not know comes back in ``invaliduser``: permanent for this channel.
"""

import json

import httpx

from healthloop.notify import conf
from healthloop.notify.channels.base import (
    Adapter,
    OutgoingMessage,
    SendResult,
    http_client,
    http_failure,
)
from healthloop.notify.channels.tokens import cached_token
from healthloop.notify.channels.wechat import classify_errcode

DUPLICATE_CHECK_SECONDS = 4 * 3600  # the documented maximum


class WeComAdapter(Adapter):
    channel = "wecom"

    def __init__(self) -> None:
        self.endpoint = conf.get("NOTIFY_WECOM_ENDPOINT").rstrip("/")
        self.corpid = conf.get("NOTIFY_WECOM_CORPID")
        self.corpsecret = conf.get("NOTIFY_WECOM_CORPSECRET")
        self.agentid = int(conf.get("NOTIFY_WECOM_AGENTID"))
        self.token = ""

    def _fetch(self) -> tuple[str, int]:
        response = http_client().get(
            f"{self.endpoint}/cgi-bin/gettoken",
            params={"corpid": self.corpid, "corpsecret": self.corpsecret},
        )
        data = response.json()
        if data.get("errcode", 0) != 0 or "access_token" not in data:
            raise RuntimeError(f"WeCom token refused: {response.text[:300]}")
        return data["access_token"], int(data.get("expires_in", 7200))

    def _token_name(self) -> str:
        return f"wecom:{self.corpid}:{self.agentid}"

    def prepare(self) -> None:
        self.token = cached_token(self._token_name(), self._fetch)

    def refresh(self) -> None:
        self.token = cached_token(self._token_name(), self._fetch, force=True, stale=self.token)

    def send(self, message: OutgoingMessage) -> SendResult:
        if not message.address:
            return SendResult.permanent("no_address", "the staff member has no WeCom userid")
        content = f"{message.title}\n{message.body}" if message.title else message.body
        payload = {
            "touser": message.address,
            "msgtype": "text",
            "agentid": self.agentid,
            "text": {"content": content},
            "enable_duplicate_check": 1,
            "duplicate_check_interval": DUPLICATE_CHECK_SECONDS,
        }
        try:
            response = http_client().post(
                f"{self.endpoint}/cgi-bin/message/send",
                params={"access_token": self.token},
                content=json.dumps(payload, ensure_ascii=False).encode(),
                headers={"Content-Type": "application/json"},
            )
        except httpx.HTTPError as exc:
            return http_failure(exc)
        if response.status_code >= 500:
            return SendResult.retry(f"http_{response.status_code}", response.text, uncertain=True)
        try:
            data = response.json()
        except ValueError:
            return SendResult.retry("bad_answer", response.text, uncertain=True)
        result = classify_errcode(data, response.text[:2000])
        invalid = [u for u in str(data.get("invaliduser", "")).split("|") if u]
        if result.outcome == "sent" and message.address in invalid:
            return SendResult.permanent("invaliduser", response.text[:2000])
        return result
