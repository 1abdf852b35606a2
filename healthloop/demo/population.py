"""Who the demo people are: status, age, sex, job, identity and exam years. Pure Python.

Every person is drawn from their own ``random.Random`` seeded with (seed, index), so person
*i* is the same whatever the chunk size, and ``--append`` continues the sequence.

The population mirrors a northern state-owned petrochemical company: about 72 % active staff
(aged 22–60: men retire at 60, women workers at 50 and women cadres at 55), 25 % retirees
(aged 55–95; men in hazardous jobs retire at 55) and 3 % who left during 2022–2025; about 70 %
men overall. Everyone present in a year (hired, not yet left) has that year's exam.
"""

import datetime as dt
import random
from dataclasses import dataclass

from healthloop.core.crypto import blind_index
from healthloop.demo import identity
from healthloop.demo.org import (
    RETIREE_EXAM_MONTH,
    RETIREE_JOBS,
    PlacementChoice,
    retiree_station_code,
)
from healthloop.demo.traits import AS_OF_YEAR, Traits, draw_traits

AS_OF = dt.date(AS_OF_YEAR, 12, 31)
EXAM_YEARS = (2021, 2022, 2023, 2024, 2025)
_HAZARDOUS_JOBS = frozenset({"操作工", "焊工", "防腐保温工"})
_CADRE_JOBS = frozenset({"管理人员", "技术人员"})
_RETIREE_JOB_CHOICE = identity.WeightedChoice(RETIREE_JOBS)


@dataclass
class PersonSpec:
    index: int
    name: str
    sex: str  # male | female
    birth_date: dt.date
    id_number: str
    phone: str
    employee_no: str
    unit_code: str
    status: str  # active | retired | left
    job_type: str
    exposures: tuple[str, ...]
    exam_month: int  # while active; retirees are examined in autumn
    hire_year: int
    retire_year: int | None
    left_year: int | None
    preferred_channel: str
    wechat_openid: str
    traits: Traits
    rng: random.Random  # the person's own stream, continued by the exam generator

    @property
    def exam_years(self) -> tuple[int, ...]:
        return tuple(
            year
            for year in EXAM_YEARS
            if self.hire_year <= year and (self.left_year is None or year < self.left_year)
        )

    def age_in(self, year: int) -> int:
        return year - self.birth_date.year

    def exam_month_in(self, year: int) -> int:
        retired = self.retire_year is not None and year >= self.retire_year
        return RETIREE_EXAM_MONTH + self.index % 3 if retired else self.exam_month


def person_rng(seed: int, index: int) -> random.Random:
    return random.Random(f"healthloop-demo:{seed}:{index}")


def _age(rng: random.Random, bands: tuple[tuple[int, int, float], ...]) -> int:
    total = sum(weight for _, _, weight in bands)
    roll = rng.random() * total
    for low, high, weight in bands:
        if roll < weight:
            return rng.randint(low, high)
        roll -= weight
    return bands[-1][1]


_ACTIVE_AGES = ((22, 29, 13.0), (30, 39, 25.0), (40, 49, 30.0), (50, 59, 32.0))
_RETIREE_AGES = ((55, 64, 30.0), (65, 74, 38.0), (75, 84, 24.0), (85, 95, 8.0))


def _birth_date(rng: random.Random, age: int) -> dt.date:
    """A birth date giving exactly ``age`` completed years on AS_OF."""
    year = AS_OF.year - age
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))


class PopulationBuilder:
    """Draws PersonSpecs. ID and phone numbers are unique within the run and, for
    ``--append``, against the blind-index hashes already in the database."""

    def __init__(
        self,
        seed: int,
        *,
        taken_id_hashes: frozenset[str] = frozenset(),
        taken_phone_hashes: frozenset[str] = frozenset(),
    ) -> None:
        self.seed = seed
        self.placements = PlacementChoice()
        self.id_numbers: set[str] = set()
        self.phones: set[str] = set()
        self.taken_id_hashes = taken_id_hashes
        self.taken_phone_hashes = taken_phone_hashes

    def person(self, index: int) -> PersonSpec:
        rng = person_rng(self.seed, index)
        roll = rng.random()
        status = "active" if roll < 0.72 else "retired" if roll < 0.97 else "left"
        male = rng.random() < {"active": 0.72, "retired": 0.64, "left": 0.60}[status]
        sex = "male" if male else "female"
        exposures: tuple[str, ...] = ()
        if status == "retired":
            job = _RETIREE_JOB_CHOICE.draw(rng)
            early = male and job in _HAZARDOUS_JOBS and rng.random() < 0.35
            age = _age(rng, _RETIREE_AGES)
            if male and not early:
                age = 60 + (age - 55) % 5 if age < 60 else age
            unit_code, month = retiree_station_code(rng.randrange(4)), 6
            retire_age = 55 if (early or not male) else 60
        else:
            placement = self.placements.draw(rng)
            job, exposures = placement.job_type, placement.exposures
            unit_code, month = placement.unit_code, placement.exam_month
            if status == "left":
                age = rng.randint(23, 45)
            else:
                age = _age(rng, _ACTIVE_AGES)
                if not male:  # women workers retire at 50, women cadres at 55
                    limit = 54 if job in _CADRE_JOBS else 49
                    age = 22 + (age - 22) % (limit - 21)
            retire_age = None
        birth = _birth_date(rng, age)
        hire_age = rng.randint(22, 26) if job in _CADRE_JOBS else rng.randint(19, 24)
        hire_year = min(birth.year + hire_age, AS_OF_YEAR)
        retire_year = birth.year + retire_age if retire_age is not None else None
        left_year = None
        if status == "left":
            first = max(EXAM_YEARS[1], hire_year + 1)
            if first <= AS_OF_YEAR:
                left_year = rng.randint(first, AS_OF_YEAR)
            else:  # hired this year: still here
                status = "active"
        name = identity.chinese_name(rng, sex, birth.year)
        id_number = self._unique_id(rng, birth, sex)
        phone = self._unique_phone(rng)
        channel = self._channel(rng, status)
        openid = identity.wechat_openid(rng) if channel == "wechat" else ""
        traits = draw_traits(rng, male=male, birth_year=birth.year)
        return PersonSpec(
            index=index,
            name=name,
            sex=sex,
            birth_date=birth,
            id_number=id_number,
            phone=phone,
            employee_no=f"{hire_year % 100:02d}{index + 1:06d}",
            unit_code=unit_code,
            status=status,
            job_type=job,
            exposures=exposures,
            exam_month=month,
            hire_year=hire_year,
            retire_year=retire_year,
            left_year=left_year,
            preferred_channel=channel,
            wechat_openid=openid,
            traits=traits,
            rng=rng,
        )

    def _unique_id(self, rng: random.Random, birth: dt.date, sex: str) -> str:
        region = identity.region_code(rng, birth.year)
        while True:
            number = identity.resident_id(rng, region=region, birth_date=birth, sex=sex)
            if number not in self.id_numbers and not (
                self.taken_id_hashes and blind_index(number) in self.taken_id_hashes
            ):
                self.id_numbers.add(number)
                return number

    def _unique_phone(self, rng: random.Random) -> str:
        while True:
            phone = identity.mobile_number(rng)
            if phone not in self.phones and not (
                self.taken_phone_hashes and blind_index(phone) in self.taken_phone_hashes
            ):
                self.phones.add(phone)
                return phone

    @staticmethod
    def _channel(rng: random.Random, status: str) -> str:
        roll = rng.random()
        if status == "retired":
            return "sms" if roll < 0.45 else "wechat" if roll < 0.85 else "app"
        return (
            "wechat" if roll < 0.4 else "app" if roll < 0.8 else "wecom" if roll < 0.95 else ("sms")
        )
