import datetime as dt

import pytest


@pytest.fixture
def make_person(make_person):
    """The shared factory with the identity fields notify tests do not care about filled in."""

    def make(name: str, **extra):
        extra.setdefault("sex", "male")
        extra.setdefault("birth_date", dt.date(1980, 1, 1))
        return make_person(name, **extra)

    return make
