from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "healthloop.accounts"
    label = "accounts"
