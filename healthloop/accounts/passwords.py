"""Password policy: Django's validators (length, similarity, common, numeric) plus character
classes. Configured in settings.AUTH_PASSWORD_VALIDATORS."""

import re

from django.core.exceptions import ValidationError

_CLASSES = (
    ("lower", re.compile(r"[a-z]")),
    ("upper", re.compile(r"[A-Z]")),
    ("digit", re.compile(r"\d")),
    ("symbol", re.compile(r"[^A-Za-z0-9]")),
)


class CharacterClassValidator:
    """At least ``min_classes`` of lower case, upper case, digits and symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: object = None) -> None:
        found = sum(1 for _, pattern in _CLASSES if pattern.search(password))
        if found < self.min_classes:
            raise ValidationError(
                f"密码须包含小写字母、大写字母、数字、符号中的至少 {self.min_classes} 类。",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return f"至少包含小写字母、大写字母、数字、符号中的 {self.min_classes} 类。"
