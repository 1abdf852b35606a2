"""Pinyin forms of Chinese names for search: 张三 → 'zhangsan' and 'zs'."""

from pypinyin import Style, lazy_pinyin

# Surnames whose reading differs from the character's most frequent reading.
_SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "尉迟": ("yu", "chi"), "万俟": ("mo", "qi"), "单": ("shan",), "曾": ("zeng",),
    "解": ("xie",), "查": ("zha",), "仇": ("qiu",), "朴": ("piao",), "区": ("ou",),
    "盖": ("ge",), "覃": ("qin",), "乐": ("yue",), "缪": ("miao",), "翟": ("zhai",),
}  # fmt: skip


def pinyin_forms(name: str) -> tuple[str, str]:
    """Return (full pinyin without tones or spaces, initials), lower case, for search."""
    name = name.strip()
    syllables: list[str] = []
    for surname, reading in _SURNAME_READINGS.items():
        if name.startswith(surname):
            syllables.extend(reading)
            name = name[len(surname) :]
            break
    syllables.extend(s.lower() for s in lazy_pinyin(name, style=Style.NORMAL) if s.strip())
    full = "".join(syllables)
    initials = "".join(s[0] for s in syllables)
    return full[:200], initials[:50]
