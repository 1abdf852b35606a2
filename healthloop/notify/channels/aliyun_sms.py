"""Aliyun SMS (dysmsapi, API version 2017-05-25): SendSms and QuerySendDetails.

The RPC signature (Alibaba Cloud "Signature mechanism" for RPC APIs):
1. every parameter except Signature, sorted by name; names and values percent-encoded as
   UTF-8 with only ``A-Z a-z 0-9 - _ . ~`` left as is (space → %20, not +);
2. ``StringToSign = HTTPMethod + "&" + percentEncode("/") + "&" + percentEncode(query)``;
3. ``Signature = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))``.
``OutId`` carries our idempotency key, so QuerySendDetails can tell whether an attempt whose
answer we never recorded (worker killed, 5xx) was accepted, and a retry never sends twice.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import uuid
from typing import Any
from urllib.parse import quote

import httpx

from healthloop.notify import conf
from healthloop.notify.channels.base import (
    Adapter,
    OutgoingMessage,
    Receipt,
    SendResult,
    http_client,
    http_failure,
)

API_VERSION = "2017-05-25"
# Codes worth retrying; anything else is a refusal no retry will change (bad number, blocked
# content, missing template or signature, no balance): fall back to the next channel.
TRANSIENT_CODES = frozenset(
    {
        "isv.BUSINESS_LIMIT_CONTROL",
        "Throttling",
        "Throttling.User",
        "Throttling.Api",
        "ServiceUnavailable",
        "InternalError",
        "isp.SYSTEM_ERROR",
    }
)


def percent_encode(value: str) -> str:
    return quote(str(value), safe="-_.~", encoding="utf-8")


def canonical_query(params: dict[str, str]) -> str:
    return "&".join(
        f"{percent_encode(k)}={percent_encode(v)}"
        for k, v in sorted(params.items())
        if k != "Signature"
    )


def signature(params: dict[str, str], secret: str, method: str = "POST") -> str:
    to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSmsAdapter(Adapter):
    channel = "sms"
    can_lookup = True

    def __init__(self) -> None:
        self.endpoint = conf.get("NOTIFY_ALIYUN_ENDPOINT")
        self.key_id = conf.get("NOTIFY_ALIYUN_ACCESS_KEY_ID")
        self.secret = conf.get("NOTIFY_ALIYUN_ACCESS_KEY_SECRET")
        self.sign_name = conf.get("NOTIFY_ALIYUN_SIGN_NAME")
        self.templates = conf.get_map("NOTIFY_ALIYUN_TEMPLATES")

    def _call(self, action: str, params: dict[str, str]) -> httpx.Response:
        common = {
            "AccessKeyId": self.key_id,
            "Action": action,
            "Format": "JSON",
            "RegionId": "cn-hangzhou",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "Timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": API_VERSION,
        }
        payload = {**common, **params}
        payload["Signature"] = signature(payload, self.secret, "POST")
        body = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in payload.items())
        return http_client().post(
            self.endpoint,
            content=body.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    def send(self, message: OutgoingMessage) -> SendResult:
        template_code = self.templates.get(message.template)
        if not message.address:
            return SendResult.permanent("no_address", "the recipient has no phone number")
        if not template_code:
            return SendResult.permanent(
                "no_sms_template", f"no Aliyun TemplateCode configured for {message.template}"
            )
        params = {
            "PhoneNumbers": message.address,
            "SignName": self.sign_name,
            "TemplateCode": template_code,
            "TemplateParam": json.dumps(message.params, ensure_ascii=False),
            "OutId": message.idempotency_key,
        }
        try:
            response = self._call("SendSms", params)
        except httpx.HTTPError as exc:
            return http_failure(exc)
        return _classify(response)

    def _details(self, phone: str, day: dt.date, biz_id: str = "") -> list[dict[str, Any]]:
        params = {
            "PhoneNumber": phone,
            "SendDate": day.strftime("%Y%m%d"),
            "PageSize": "50",
            "CurrentPage": "1",
        }
        if biz_id:
            params["BizId"] = biz_id
        response = self._call("QuerySendDetails", params)
        data = response.json() if response.status_code == 200 else {}
        if data.get("Code") != "OK":
            raise LookupError(response.text[:500])
        return data.get("SmsSendDetailDTOs", {}).get("SmsSendDetailDTO", [])

    def lookup(self, message: OutgoingMessage) -> SendResult | None:
        if not message.address:
            return None
        for day in message.dates:
            try:
                details = self._details(message.address, day)
            except (httpx.HTTPError, LookupError, ValueError):
                return SendResult.retry("lookup_failed", "QuerySendDetails failed", uncertain=True)
            for item in details:
                if item.get("OutId") == message.idempotency_key:
                    return SendResult(
                        "sent",
                        provider_id=str(item.get("BizId") or f"outid:{message.idempotency_key}"),
                        code="found",
                        answer=json.dumps(item, ensure_ascii=False)[:2000],
                    )
        return None

    def receipts(self, sent: list[dict[str, Any]]) -> list[Receipt]:
        """SendStatus 3 = delivered, 2 = failed, 1 = waiting for the carrier's report."""
        found: list[Receipt] = []
        for row in sent:
            day = row["sent_at"].astimezone(dt.timezone(dt.timedelta(hours=8))).date()
            try:
                details = self._details(row["address"], day, row["provider_id"])
            except (httpx.HTTPError, LookupError, ValueError):
                continue
            for item in details:
                status = int(item.get("SendStatus", 1))
                if status in (2, 3):
                    found.append(
                        Receipt(
                            provider_id=row["provider_id"],
                            delivered=status == 3,
                            code=str(item.get("ErrCode", "")),
                            answer=json.dumps(item, ensure_ascii=False)[:2000],
                        )
                    )
                    break
        return found


def _classify(response: httpx.Response) -> SendResult:
    text = response.text[:2000]
    if response.status_code >= 500:
        return SendResult.retry(f"http_{response.status_code}", text, uncertain=True)
    try:
        data = response.json()
    except ValueError:
        return SendResult.retry("bad_answer", text, uncertain=True)
    code = str(data.get("Code", ""))
    if code == "OK":
        return SendResult("sent", provider_id=str(data.get("BizId", "")), code="OK", answer=text)
    if code in TRANSIENT_CODES:
        return SendResult.retry(code, text)
    return SendResult.permanent(code or f"http_{response.status_code}", text)
