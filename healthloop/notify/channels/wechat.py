"""WeChat official account (微信公众号): template messages (``/cgi-bin/message/template/send``)
or subscription messages (``/cgi-bin/message/subscribe/bizsend``).

The access_token comes from ``/cgi-bin/token?grant_type=client_credential`` and is shared by
every worker (tokens.py). errcode 40001 / 40014 / 42001 mean the token is invalid or expired:
refresh it and send again. 43004 (the user has not followed the account) and 43101 (the user
refused subscription messages) and 40003 (an openid not of this account) are permanent for
this channel: the dispatcher falls back to the next channel. -1 and 45009 are worth a retry.
``client_msg_id`` (template messages) makes WeChat drop a repeat within 10 minutes.
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

TOKEN_ERRORS = frozenset({40001, 40014, 42001})
TRANSIENT_ERRORS = frozenset({-1, 45009, 45011})
NOT_SUBSCRIBED = frozenset({43004, 43101, 40003})


def classify_errcode(data: dict, text: str, *, id_field: str = "msgid") -> SendResult:
    code = int(data.get("errcode", 0))
    if code == 0:
        return SendResult("sent", provider_id=str(data.get(id_field, "")), code="0", answer=text)
    if code in TOKEN_ERRORS:
        return SendResult("retry", code=str(code), answer=text, refresh_token=True)
    if code in TRANSIENT_ERRORS:
        return SendResult.retry(str(code), text)
    return SendResult.permanent(str(code), text)


class WeChatAdapter(Adapter):
    channel = "wechat"

    def __init__(self) -> None:
        self.endpoint = conf.get("NOTIFY_WECHAT_ENDPOINT").rstrip("/")
        self.appid = conf.get("NOTIFY_WECHAT_APPID")
        self.secret = conf.get("NOTIFY_WECHAT_SECRET")
        self.templates = conf.get_map("NOTIFY_WECHAT_TEMPLATES")
        self.kind = conf.get("NOTIFY_WECHAT_KIND")
        self.token = ""

    def _fetch(self) -> tuple[str, int]:
        response = http_client().get(
            f"{self.endpoint}/cgi-bin/token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
        )
        data = response.json()
        if "access_token" not in data:
            raise RuntimeError(f"WeChat token refused: {response.text[:300]}")
        return data["access_token"], int(data.get("expires_in", 7200))

    def _token_name(self) -> str:
        return f"wechat:{self.appid}"

    def prepare(self) -> None:
        self.token = cached_token(self._token_name(), self._fetch)

    def refresh(self) -> None:
        self.token = cached_token(self._token_name(), self._fetch, force=True, stale=self.token)

    def send(self, message: OutgoingMessage) -> SendResult:
        template_id = self.templates.get(message.template)
        if not message.address:
            return SendResult.permanent("no_address", "the person has no WeChat openid")
        if not template_id:
            return SendResult.permanent(
                "no_wechat_template", f"no WeChat template_id configured for {message.template}"
            )
        path = (
            "/cgi-bin/message/subscribe/bizsend"
            if self.kind == "subscribe"
            else "/cgi-bin/message/template/send"
        )
        payload = {
            "touser": message.address,
            "template_id": template_id,
            "data": {key: {"value": value} for key, value in message.params.items()},
        }
        if self.kind != "subscribe":
            # template/send drops a repeat of the same openid + client_msg_id (10 minutes).
            payload["client_msg_id"] = message.idempotency_key
        try:
            response = http_client().post(
                f"{self.endpoint}{path}",
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
        return classify_errcode(data, response.text[:2000])
