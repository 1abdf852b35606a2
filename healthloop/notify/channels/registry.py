"""Which adapter serves each channel, from settings (console backends by default)."""

from healthloop.notify import conf
from healthloop.notify.channels.base import Adapter, ConsoleAdapter
from healthloop.notify.channels.inapp import InAppAdapter


def adapter_for(channel: str) -> Adapter:
    if channel == "inapp":
        return InAppAdapter()
    if channel == "sms" and conf.get("NOTIFY_SMS_BACKEND") == "aliyun":
        from healthloop.notify.channels.aliyun_sms import AliyunSmsAdapter

        return AliyunSmsAdapter()
    if channel == "wechat" and conf.get("NOTIFY_WECHAT_BACKEND") == "wechat":
        from healthloop.notify.channels.wechat import WeChatAdapter

        return WeChatAdapter()
    if channel == "wecom" and conf.get("NOTIFY_WECOM_BACKEND") == "wecom":
        from healthloop.notify.channels.wecom import WeComAdapter

        return WeComAdapter()
    if channel == "email" and conf.get("NOTIFY_EMAIL_BACKEND") == "smtp":
        from healthloop.notify.channels.email import EmailAdapter

        return EmailAdapter()
    return ConsoleAdapter(channel=channel)
