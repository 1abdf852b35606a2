import datetime as dt

import pytest

from healthloop.people.identity import (
    IdentityError,
    check_char,
    normalize_mobile,
    parse_resident_id,
)


def test_standard_worked_example_check_character_is_x():
    # given the worked example printed in GB 11643-1999
    # when / then
    assert check_char("11010519491231002") == "X"


@pytest.mark.parametrize(
    ("number", "birth", "sex"),
    [
        ("11010519491231002X", dt.date(1949, 12, 31), "female"),  # GB 11643-1999 example
        ("440524188001010014", dt.date(1880, 1, 1), "male"),  # GB 11643-1999 example
        ("110105198001010016", dt.date(1980, 1, 1), "male"),
    ],
)
def test_published_examples_parse_with_birth_date_and_sex(number, birth, sex):
    # when
    parsed = parse_resident_id(number)
    # then
    assert (parsed.birth_date, parsed.sex, parsed.region_code) == (birth, sex, number[:6])


def test_lower_case_x_is_accepted_and_normalised():
    assert parse_resident_id("11010519491231002x").number == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("11010519491231002", "18位"),
        ("1101051949123100XX", "前17位"),
        ("11010519491231002Y", "前17位"),
        ("990105194912310029", "地区码"),
        ("110105194902300021", "出生日期无效"),
        ("110105290001010011", "不合理"),
        ("110105194912310021", "校验位错误：应为X"),
    ],
)
def test_invalid_numbers_are_rejected_with_the_reason(number, fragment):
    # when
    with pytest.raises(IdentityError) as caught:
        parse_resident_id(number, today=dt.date(2026, 11, 23))
    # then
    assert caught.value.field == "id_number"
    assert fragment in caught.value.message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("0086 19912345678", "19912345678"),
    ],
)
def test_mainland_mobile_numbers_are_normalised(raw, expected):
    assert normalize_mobile(raw) == expected


@pytest.mark.parametrize("raw", ["12800138000", "1380013800", "010-62345678", "+1 2025550123"])
def test_non_mobile_numbers_are_rejected(raw):
    with pytest.raises(IdentityError) as caught:
        normalize_mobile(raw)
    assert caught.value.field == "phone"
