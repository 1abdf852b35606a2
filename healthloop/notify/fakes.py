"""A local fake of the providers' HTTP contracts, for tests and benches (no Django).

It speaks the documented requests and answers of Aliyun SMS (SendSms, QuerySendDetails, with
the RPC HMAC-SHA1 signature verified, timestamps checked and nonces refused when replayed),
the WeChat official account (token, template/send with client_msg_id de-duplication,
subscribe/bizsend) and WeCom (gettoken, message/send with the duplicate check). It counts what
it accepted, so a test can assert "delivered exactly once". Failure modes are switched on over
HTTP (``POST /_fake/config``) so a test can drive a fake running in another process.

Run standalone: ``python -m healthloop.notify.fakes --port 8765``.
"""

import argparse
import base64
import datetime as dt
import hashlib
import hmac
import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

ALIYUN_KEY_ID = "fake-key-id"
ALIYUN_SECRET = "fake-key-secret"  # noqa: S105 - the fake\'s own test credential
WECHAT_APPID = "wx-fake-appid"
WECHAT_SECRET = "wx-fake-secret"  # noqa: S105 - the fake\'s own test credential
WECOM_CORPID = "ww-fake-corp"
WECOM_SECRET = "ww-fake-secret"  # noqa: S105 - the fake\'s own test credential


def _pe(value: str) -> str:
    return quote(value, safe="-_.~", encoding="utf-8")


def aliyun_expected_signature(params: dict[str, str], secret: str, method: str) -> str:
    query = "&".join(f"{_pe(k)}={_pe(v)}" for k, v in sorted(params.items()) if k != "Signature")
    to_sign = f"{method}&{_pe('/')}&{_pe(query)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class FakeState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ids = itertools.count(1)
        self.sms: list[dict[str, Any]] = []
        self.wechat: list[dict[str, Any]] = []
        self.wecom: list[dict[str, Any]] = []
        self.nonces: set[str] = set()
        self.requests = 0
        self.signature_failures = 0
        self.config: dict[str, Any] = {
            "fail_5xx": 0,  # the next N provider calls answer 500 without doing anything
            "accept_then_5xx": 0,  # the next N sends are accepted, then answered with 500
            "reject_phones": [],  # SendSms answers isv.MOBILE_NUMBER_ILLEGAL
            "unsubscribed": [],  # WeChat openids that have not followed (43004 / 43101)
            "wecom_users": None,  # known WeCom userids (None = everyone)
            "delay_ms": 0,
        }
        self.tokens: dict[str, str] = {}  # token → "valid" | "expired"
        self.token_fetches = 0
        self.dup_keys: dict[tuple, str] = {}

    def stats(self) -> dict[str, Any]:
        with self.lock:
            return {
                "sms": len(self.sms),
                "wechat": len(self.wechat),
                "wecom": len(self.wecom),
                "requests": self.requests,
                "signature_failures": self.signature_failures,
                "token_fetches": self.token_fetches,
                "sms_out_ids": [m["OutId"] for m in self.sms],
                "wechat_touser": [m["touser"] for m in self.wechat],
                "wecom_touser": [m["touser"] for m in self.wecom],
            }

    def take_failure(self, name: str) -> bool:
        with self.lock:
            if self.config[name] > 0:
                self.config[name] -= 1
                return True
            return False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # answer in one segment: no 40 ms delayed-ACK stalls
    server: "FakeProviderServer"

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _reply(self, status: int, payload: Any) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self) -> None:
        self._route("GET", b"")

    def do_POST(self) -> None:
        self._route("POST", self._body())

    def _route(self, method: str, body: bytes) -> None:
        state = self.server.state
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        if url.path == "/_fake/stats":
            return self._reply(200, state.stats())
        if url.path == "/_fake/config":
            with state.lock:
                state.config.update(json.loads(body or b"{}"))
            return self._reply(200, state.config)
        if url.path == "/_fake/expire_tokens":
            with state.lock:
                state.tokens = dict.fromkeys(state.tokens, "expired")
            return self._reply(200, {"ok": True})
        with state.lock:
            state.requests += 1
        if state.config["delay_ms"]:
            threading.Event().wait(state.config["delay_ms"] / 1000)
        if url.path in ("/", "") and method == "POST":
            form = dict(parse_qsl(body.decode(), keep_blank_values=True))
            return self._aliyun(method, form)
        if url.path == "/" and method == "GET":
            return self._aliyun(method, query)
        routes = {
            "/cgi-bin/token": self._wechat_token,
            "/cgi-bin/message/template/send": self._wechat_send,
            "/cgi-bin/message/subscribe/bizsend": self._wechat_send,
            "/cgi-bin/gettoken": self._wecom_token,
            "/cgi-bin/message/send": self._wecom_send,
        }
        handler = routes.get(url.path)
        if handler is None:
            return self._reply(404, {"error": "no such API"})
        return handler(url.path, query, body)

    # --- Aliyun SMS ---------------------------------------------------------------------------
    def _aliyun(self, method: str, params: dict[str, str]) -> None:
        state = self.server.state
        rid = f"req-{next(state.ids)}"
        for name in ("AccessKeyId", "Signature", "SignatureNonce", "Timestamp", "Action"):
            if not params.get(name):
                return self._reply(400, {"Code": "MissingParameter", "RequestId": rid})
        if params["AccessKeyId"] != ALIYUN_KEY_ID:
            return self._reply(404, {"Code": "InvalidAccessKeyId.NotFound", "RequestId": rid})
        expected = aliyun_expected_signature(params, ALIYUN_SECRET, method)
        if not hmac.compare_digest(expected, params["Signature"]):
            with state.lock:
                state.signature_failures += 1
            return self._reply(400, {"Code": "SignatureDoesNotMatch", "RequestId": rid})
        stamp = dt.datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ")
        if abs(dt.datetime.now(dt.UTC).replace(tzinfo=None) - stamp) > dt.timedelta(minutes=15):
            return self._reply(400, {"Code": "InvalidTimeStamp.Expired", "RequestId": rid})
        with state.lock:
            if params["SignatureNonce"] in state.nonces:
                return self._reply(400, {"Code": "SignatureNonceUsed", "RequestId": rid})
            state.nonces.add(params["SignatureNonce"])
        if state.take_failure("fail_5xx"):
            return self._reply(500, {"Code": "ServiceUnavailable", "RequestId": rid})
        if params["Action"] == "SendSms":
            return self._send_sms(params, rid)
        if params["Action"] == "QuerySendDetails":
            return self._query_details(params, rid)
        return self._reply(400, {"Code": "InvalidAction.NotFound", "RequestId": rid})

    def _send_sms(self, params: dict[str, str], rid: str) -> None:
        state = self.server.state
        for name in ("PhoneNumbers", "SignName", "TemplateCode"):
            if not params.get(name):
                return self._reply(400, {"Code": "MissingParameter", "RequestId": rid})
        phone = params["PhoneNumbers"]
        if phone in state.config["reject_phones"] or not (phone.isdigit() and len(phone) == 11):
            return self._reply(
                200,
                {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号", "RequestId": rid},
            )
        try:
            json.loads(params.get("TemplateParam") or "{}")
        except ValueError:
            return self._reply(200, {"Code": "isv.INVALID_JSON_PARAM", "RequestId": rid})
        biz_id = f"{next(state.ids)}^0"
        with state.lock:
            state.sms.append(
                {
                    **{k: params.get(k, "") for k in ("PhoneNumbers", "TemplateCode", "OutId")},
                    "TemplateParam": params.get("TemplateParam", ""),
                    "BizId": biz_id,
                    "SendDate": (dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)).strftime(
                        "%Y%m%d"
                    ),
                }
            )
        if state.take_failure("accept_then_5xx"):
            return self._reply(500, {"Code": "InternalError", "RequestId": rid})
        return self._reply(200, {"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": rid})

    def _query_details(self, params: dict[str, str], rid: str) -> None:
        state = self.server.state
        with state.lock:
            found = [
                m
                for m in state.sms
                if m["PhoneNumbers"] == params.get("PhoneNumber")
                and m["SendDate"] == params.get("SendDate")
                and (not params.get("BizId") or m["BizId"] == params["BizId"])
            ]
        dtos = [
            {
                "PhoneNum": m["PhoneNumbers"],
                "SendStatus": 3,
                "ErrCode": "DELIVERED",
                "TemplateCode": m["TemplateCode"],
                "OutId": m["OutId"],
                "SendDate": m["SendDate"],
            }
            for m in found
        ]
        return self._reply(
            200,
            {
                "Code": "OK",
                "Message": "OK",
                "RequestId": rid,
                "TotalCount": len(dtos),
                "SmsSendDetailDTOs": {"SmsSendDetailDTO": dtos},
            },
        )

    # --- WeChat official account -------------------------------------------------------------
    def _issue_token(self) -> str:
        state = self.server.state
        with state.lock:
            token = f"tok-{next(state.ids)}"
            state.tokens[token] = "valid"
            state.token_fetches += 1
        return token

    def _wechat_token(self, path: str, query: dict[str, str], body: bytes) -> None:
        if query.get("appid") != WECHAT_APPID or query.get("secret") != WECHAT_SECRET:
            return self._reply(200, {"errcode": 40125, "errmsg": "invalid appsecret"})
        return self._reply(200, {"access_token": self._issue_token(), "expires_in": 7200})

    def _token_error(self, token: str, *, invalid: int) -> dict[str, Any] | None:
        status = self.server.state.tokens.get(token)
        if status is None:
            return {"errcode": invalid, "errmsg": "invalid credential, access_token is invalid"}
        if status == "expired":
            return {"errcode": 42001, "errmsg": "access_token expired"}
        return None

    def _wechat_send(self, path: str, query: dict[str, str], body: bytes) -> None:
        state = self.server.state
        error = self._token_error(query.get("access_token", ""), invalid=40001)
        if error:
            return self._reply(200, error)
        if state.take_failure("fail_5xx"):
            return self._reply(503, {"errcode": -1, "errmsg": "system error"})
        data = json.loads(body)
        if not data.get("touser") or not data.get("template_id"):
            return self._reply(200, {"errcode": 47001, "errmsg": "data format error"})
        if data["touser"] in state.config["unsubscribed"]:
            code = 43101 if path.endswith("bizsend") else 43004
            return self._reply(200, {"errcode": code, "errmsg": "require subscribe"})
        key = ("wechat", data["touser"], data.get("client_msg_id"))
        with state.lock:
            if data.get("client_msg_id") and key in state.dup_keys:
                return self._reply(
                    200, {"errcode": 0, "errmsg": "ok", "msgid": state.dup_keys[key]}
                )
            msgid = str(next(state.ids))
            state.wechat.append({**data, "msgid": msgid})
            if data.get("client_msg_id"):
                state.dup_keys[key] = msgid
        return self._reply(200, {"errcode": 0, "errmsg": "ok", "msgid": int(msgid)})

    # --- WeCom ----------------------------------------------------------------------------------
    def _wecom_token(self, path: str, query: dict[str, str], body: bytes) -> None:
        if query.get("corpid") != WECOM_CORPID or query.get("corpsecret") != WECOM_SECRET:
            return self._reply(200, {"errcode": 40001, "errmsg": "invalid secret"})
        token = self._issue_token()
        return self._reply(
            200, {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}
        )

    def _wecom_send(self, path: str, query: dict[str, str], body: bytes) -> None:
        state = self.server.state
        error = self._token_error(query.get("access_token", ""), invalid=40014)
        if error:
            return self._reply(200, error)
        if state.take_failure("fail_5xx"):
            return self._reply(502, {"errcode": -1, "errmsg": "system busy"})
        data = json.loads(body)
        users = state.config["wecom_users"]
        if users is not None and data.get("touser") not in users:
            return self._reply(
                200,
                {
                    "errcode": 81013,
                    "errmsg": "user & party & tag all invalid",
                    "invaliduser": data.get("touser", ""),
                },
            )
        key = ("wecom", data.get("touser"), data.get("agentid"), json.dumps(data.get("text")))
        with state.lock:
            if data.get("enable_duplicate_check") and key in state.dup_keys:
                msgid = state.dup_keys[key]
            else:
                msgid = f"msg-{next(state.ids)}"
                state.wecom.append({**data, "msgid": msgid})
                state.dup_keys[key] = msgid
        return self._reply(200, {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": msgid})


class FakeProviderServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.state = FakeState()
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def start(self) -> "FakeProviderServer":
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    server = FakeProviderServer(args.port)
    print(f"fake providers listening on {server.url}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
