"""Synthetic identities: Chinese names, resident ID numbers, mobile numbers.

Pure functions of a ``random.Random``; nothing here touches the database.

* Surnames are drawn with weights close to the 2020 household-registration ranking of the
  Ministry of Public Security (王, 李, 张, 刘, 陈 … together about a third of the population),
  with northern surnames (于, 姜, 崔, 孟) a little more frequent, as in a northern city.
* Given names follow the fashions of the person's birth decade (建国 and 秀英 in the 1950s,
  伟 and 静 in the 1980s, 子豪 and 欣怡 after 2000).
* Resident ID numbers (GB 11643-1999) use real county-level region codes (GB/T 2260) of a
  northern oil-and-petrochemical city (Daqing, Heilongjiang) for most people, and of the
  provinces its pioneers came from for the older ones; birth date and sex are encoded and
  the check character comes from ``people.identity.check_char``. They are synthetic but
  valid, so a number may coincide with a real person's: never mix demo data with real data.
* Mobile numbers are 11 digits on real operator prefixes (MIIT numbering plan).
"""

import datetime as dt
import random
from bisect import bisect
from itertools import accumulate

from healthloop.people.identity import check_char

# (surname, weight ≈ per-mille of the population)
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 71), ("李", 70), ("张", 67), ("刘", 54), ("陈", 46), ("杨", 31), ("赵", 23),
    ("黄", 19), ("吴", 20), ("周", 19), ("徐", 15), ("孙", 16), ("马", 14), ("朱", 13),
    ("胡", 13), ("郭", 12), ("何", 11), ("高", 12), ("林", 10), ("罗", 9), ("郑", 9),
    ("梁", 9), ("谢", 7), ("宋", 7), ("唐", 6), ("许", 6), ("韩", 7), ("冯", 6), ("邓", 5),
    ("曹", 5), ("彭", 5), ("曾", 4), ("肖", 5), ("田", 5), ("董", 6), ("袁", 4), ("潘", 4),
    ("于", 7), ("蒋", 4), ("蔡", 4), ("余", 3), ("杜", 4), ("叶", 3), ("程", 4), ("苏", 3),
    ("魏", 4), ("吕", 4), ("丁", 3), ("任", 4), ("沈", 3), ("姚", 3), ("卢", 3), ("姜", 5),
    ("崔", 4), ("钟", 2), ("谭", 2), ("陆", 2), ("汪", 2), ("范", 3), ("金", 3), ("石", 3),
    ("廖", 2), ("贾", 3), ("夏", 2), ("付", 3), ("方", 2), ("白", 3), ("邹", 2), ("孟", 4),
    ("熊", 2), ("秦", 2), ("邱", 2), ("江", 2), ("尹", 2), ("薛", 2), ("闫", 3), ("段", 2),
    ("雷", 2), ("侯", 3), ("龙", 1), ("史", 2), ("陶", 1), ("黎", 1), ("贺", 2), ("顾", 1),
    ("毛", 2), ("郝", 3), ("龚", 1), ("邵", 2), ("万", 1), ("钱", 1), ("严", 1), ("武", 2),
    ("戴", 1), ("孔", 1), ("常", 2), ("葛", 1), ("单", 0.5), ("翟", 0.5), ("曲", 1),
    ("欧阳", 0.2), ("尉迟", 0.05),
)  # fmt: skip

# Given-name material per birth era: (full two-character names, first chars, second chars,
# single-character names). Two-character names are built from the first/second pools too.
_ERA_NAMES: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("male", "1950"): (
        "建国国庆振华德胜保国卫东志刚永福长青树林玉山宝山德明春生国栋国华建民庆祥广福"
        "文忠明德福林殿臣玉祥占魁庆海国良德才金山有才",
        "建国志永文振德宏春长玉庆广占",
        "华军明林生山福祥才海民良忠成",
        "刚强军斌林",
    ),
    ("female", "1950"): (
        "桂兰秀英淑珍玉兰凤英秀兰桂芳淑兰玉珍素珍秀珍桂英淑芬玉梅翠兰凤兰秀云玉英淑华秀芳",
        "秀桂淑玉凤素翠春金",
        "英兰珍芳梅云华琴荣霞",
        "英兰珍芳梅",
    ),
    ("male", "1970"): (
        "建伟志刚永强海涛立新晓东振宇红军卫国学军庆华明辉俊峰长江金龙",
        "建国志永文立晓振海春德宏红伟新东卫学庆明俊长金玉",
        "华军明伟强平林斌杰峰刚勇涛辉东波生成利民新忠龙",
        "伟磊勇军强涛斌刚峰辉波林",
    ),
    ("female", "1970"): (
        "秀丽丽华桂芝玉红淑梅红梅春燕美玲晓红艳霞凤琴彩霞雪梅海燕",
        "秀丽桂玉淑红春美晓艳凤彩雪素金海",
        "英兰芳华珍梅霞琴云萍红玲荣娟莉敏杰燕",
        "静丽红艳敏燕霞娟萍英",
    ),
    ("male", "1985"): (
        "浩然俊杰宇航志鹏晓磊海洋家豪博文鹏飞嘉伟天宇明轩文博思远新宇泽宇",
        "浩子俊宇志晓海家博鹏嘉一天明文思新泽",
        "宇杰鹏涛磊超浩阳飞帅龙亮旭博洋辉斌凯",
        "伟磊勇军强涛鹏杰超浩亮斌刚峰辉",
    ),
    ("female", "1985"): (
        "晓雪雨婷佳琪思雨欣然雪莹丽娜婷婷梦瑶子怡文静诗雨静怡美琳",
        "晓雨佳思欣雪丽婷梦子文诗静美家春",
        "婷娜静丽雪琳颖洁瑶悦敏倩丹怡萌月",
        "静丽娜婷敏燕艳雪丹颖琳洁",
    ),
    ("male", "2000"): (
        "子豪浩然宇轩梓豪俊杰一鸣博文昊天子轩皓轩宇航铭泽",
        "子浩宇梓俊一博昊皓铭奕",
        "豪然轩杰鸣文天泽辰睿航",
        "浩宇轩睿",
    ),
    ("female", "2000"): (
        "梓涵欣怡诗涵雨欣子涵梦琪可馨雨桐思雨佳怡语嫣紫萱",
        "梓欣诗雨子梦可佳语紫思",
        "涵怡欣琪馨桐雨萱嫣彤",
        "涵怡琪萱",
    ),
}

# GB/T 2260 county-level codes. Daqing (大庆市, 2306xx) first: most staff were born there.
REGIONS_LOCAL: tuple[str, ...] = (
    "230602",
    "230603",
    "230604",
    "230605",
    "230606",  # 萨尔图 龙凤 让胡路 红岗 大同
    "230621",
    "230622",
    "230623",
    "230624",  # 肇州 肇源 林甸 杜尔伯特
)
REGIONS_PROVINCE: tuple[str, ...] = (
    "230102",
    "230103",
    "230104",
    "230110",  # 哈尔滨 道里 南岗 道外 香坊
    "230202",
    "230203",  # 齐齐哈尔 龙沙 建华
    "231202",
    "231281",  # 绥化 北林, 安达
    "220102",
    "220702",  # 长春 南关, 松原 宁江
)
REGIONS_ORIGIN: tuple[str, ...] = (
    "370102",
    "370502",  # 济南 历下, 东营 东营区
    "130102",
    "130902",  # 石家庄 长安, 沧州 新华
    "410102",
    "410902",  # 郑州 中原, 濮阳 华龙
    "210403",
    "210404",  # 抚顺 东洲 望花
    "510104",
    "620104",
    "620981",  # 成都 锦江, 兰州 西固, 玉门
)
_PHONE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
    "156", "157", "158", "159", "166", "177", "180", "181", "186", "187", "188", "189", "198",
    "199",
)  # fmt: skip


class WeightedChoice:
    """Draw from weighted options with one random number (cumulative weights + bisect)."""

    def __init__(self, options: tuple[tuple[str, float], ...]) -> None:
        self.values = [value for value, _ in options]
        self.cumulative = list(accumulate(weight for _, weight in options))

    def draw(self, rng: random.Random) -> str:
        return self.values[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


_SURNAME_CHOICE = WeightedChoice(SURNAMES)


def _era(birth_year: int) -> str:
    if birth_year < 1965:
        return "1950"
    if birth_year < 1980:
        return "1970"
    if birth_year < 2000:
        return "1985"
    return "2000"


def _pairs(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(0, len(text), 2)]


def chinese_name(rng: random.Random, sex: str, birth_year: int) -> str:
    """A plausible full name for someone of this sex born in this year."""
    surname = _SURNAME_CHOICE.draw(rng)
    full, first, second, single = _ERA_NAMES[(sex, _era(birth_year))]
    roll = rng.random()
    single_share = 0.35 if _era(birth_year) in ("1970", "1985") else 0.12
    if roll < single_share:
        given = rng.choice(single)
    elif roll < single_share + 0.3:
        given = rng.choice(_pairs(full))
    else:
        given = rng.choice(first) + rng.choice(second)
        if given[0] == given[1] and rng.random() < 0.7:  # 婷婷 is fine now and then
            given = given[0] + rng.choice(second)
    return surname + given


def region_code(rng: random.Random, birth_year: int) -> str:
    """Where the person was registered: local for most, the pioneers' provinces for elders."""
    local, province = (0.45, 0.25) if birth_year < 1962 else (0.72, 0.18)
    roll = rng.random()
    if roll < local:
        return rng.choice(REGIONS_LOCAL)
    if roll < local + province:
        return rng.choice(REGIONS_PROVINCE)
    return rng.choice(REGIONS_ORIGIN)


def resident_id(rng: random.Random, *, region: str, birth_date: dt.date, sex: str) -> str:
    """An 18-character GB 11643 number: odd sequence code for men, even for women."""
    sequence = rng.randrange(1, 500) * 2 + (1 if sex == "male" else 0)
    first17 = f"{region}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)


def mobile_number(rng: random.Random) -> str:
    return rng.choice(_PHONE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


def wechat_openid(rng: random.Random) -> str:
    """An opaque 28-character string shaped like a WeChat official-account openid."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "o" + "".join(rng.choice(alphabet) for _ in range(27))
