"""The demo employer: a petrochemical company's organisation tree and where people work.

Company → divisions (refinery, chemicals plant, utilities, maintenance, quality centre) →
workshops (车间) → shift teams (班组); head-office departments hang directly under the
company; the retirees' office (离退休职工管理中心) has its stations. Each workshop says which
job types (工种) work there and which occupational exposures they have, because exposure
decides the occupational exam items (audiometry for noise, spirometry and chest X-ray for
dust and fumes) and raises some risks.
"""

import random
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate

from django.db import transaction

from healthloop.people.models import OrgUnit

COMPANY = ("BC", "北辰石化公司")
RETIREES = ("BC99", "离退休职工管理中心")
RETIREE_STATIONS = ("第一管理站", "第二管理站", "第三管理站", "第四管理站")

# Former job types of retirees (their 工种 stays on the record: exposure history matters).
RETIREE_JOBS: tuple[tuple[str, float], ...] = (
    ("操作工", 48), ("钳工", 7), ("电工", 5), ("仪表工", 4), ("焊工", 4), ("防腐保温工", 2),
    ("化验员", 6), ("司机", 5), ("技术人员", 9), ("管理人员", 10),
)  # fmt: skip

# Job types of the maintenance teams and what they are exposed to.
_MAINTENANCE_TEAMS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "钳工班": ("钳工", "钳工", ("noise",)),
    "焊工班": ("焊工", "焊工", ("noise", "dust")),
    "电工班": ("电工", "电工", ()),
    "仪表班": ("仪表工", "仪表工", ()),
    "保温班": ("防腐保温工", "防腐保温工", ("dust",)),
    "防腐班": ("防腐保温工", "防腐保温工", ("dust",)),
    "驾驶班": ("司机", "司机", ("noise",)),
}

_SHIFTS = ("运行一班", "运行二班", "运行三班", "运行四班")
_LAB_SHIFTS = ("分析一班", "分析二班", "分析三班")


@dataclass(frozen=True)
class Workshop:
    code: str
    name: str
    headcount: int  # relative size
    kind: str  # operations | maintenance | lab | office
    exposures: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    exam_month: int
    workshops: tuple[Workshop, ...]


def _ops(code: str, name: str, size: int, *exposures: str) -> Workshop:
    return Workshop(code, name, size, "operations", exposures, _SHIFTS)


DIVISIONS: tuple[Division, ...] = (
    Division("BC01", "炼油厂", 4, (
        _ops("BC0101", "常减压车间", 8, "noise"),
        _ops("BC0102", "催化裂化车间", 10, "noise"),
        _ops("BC0103", "加氢车间", 8, "noise"),
        _ops("BC0104", "重整车间", 7, "benzene"),
        _ops("BC0105", "延迟焦化车间", 7, "noise", "dust"),
        _ops("BC0106", "油品储运车间", 9),
        Workshop("BC0107", "炼油厂机关", 5, "office"),
    )),
    Division("BC02", "化工厂", 5, (
        _ops("BC0201", "乙烯车间", 10, "noise"),
        _ops("BC0202", "聚乙烯车间", 8, "noise"),
        _ops("BC0203", "聚丙烯车间", 8, "noise"),
        _ops("BC0204", "芳烃车间", 7, "benzene"),
        _ops("BC0205", "合成橡胶车间", 7),
        Workshop("BC0206", "化工厂机关", 5, "office"),
    )),
    Division("BC03", "热电厂", 3, (
        _ops("BC0301", "锅炉车间", 7, "noise", "dust"),
        _ops("BC0302", "汽机车间", 6, "noise"),
        _ops("BC0303", "电气车间", 5),
        _ops("BC0304", "水务车间", 5),
        _ops("BC0305", "空分空压车间", 4, "noise"),
    )),
    Division("BC04", "检维修中心", 6, (
        Workshop("BC0401", "机械维修车间", 10, "maintenance", (), ("钳工班", "焊工班")),
        Workshop("BC0402", "电气仪表车间", 8, "maintenance", (), ("电工班", "仪表班")),
        Workshop("BC0403", "防腐保温车间", 5, "maintenance", (), ("保温班", "防腐班")),
        Workshop("BC0404", "运输车队", 5, "maintenance", (), ("驾驶班",)),
    )),
    Division("BC05", "质量检验中心", 4, (
        Workshop("BC0501", "炼油分析站", 4, "lab", ("benzene",), _LAB_SHIFTS),
        Workshop("BC0502", "化工分析站", 4, "lab", ("benzene",), _LAB_SHIFTS),
        Workshop("BC0503", "环境监测站", 2, "lab"),
    )),
)  # fmt: skip

HEAD_OFFICE: tuple[Workshop, ...] = tuple(
    Workshop(code, name, size, "office")
    for code, name, size in (
        ("BC90", "总经理办公室", 2), ("BC91", "人力资源部", 2), ("BC92", "财务部", 2),
        ("BC93", "生产技术部", 3), ("BC94", "安全环保部", 2), ("BC95", "信息中心", 2),
        ("BC96", "党群工作部", 2),
    )
)  # fmt: skip
HEAD_OFFICE_EXAM_MONTH = 3
RETIREE_EXAM_MONTH = 9


@dataclass(frozen=True)
class Placement:
    """Where an active employee can work: a unit, a job type, its exposures, the exam month."""

    unit_code: str
    job_type: str
    exposures: tuple[str, ...]
    exam_month: int


@dataclass
class DemoOrg:
    """The created org units. ``division`` is the refinery: a good scope for a demo doctor."""

    company: OrgUnit
    divisions: list[OrgUnit]
    retirees: OrgUnit
    units: dict[str, OrgUnit]

    @property
    def division(self) -> OrgUnit:
        return self.divisions[0]


def _workshop_placements(ws: Workshop, month: int) -> list[tuple[Placement, float]]:
    weight = float(ws.headcount)
    if ws.kind == "office":
        return [
            (Placement(ws.code, "管理人员", (), month), weight * 0.75),
            (Placement(ws.code, "技术人员", (), month), weight * 0.25),
        ]
    rows = [
        (Placement(ws.code, "技术人员", (), month), weight * 0.08),
        (Placement(ws.code, "管理人员", (), month), weight * 0.04),
    ]
    teams = ws.teams or ("",)  # a workshop without teams places its workers itself
    share = weight * 0.88 / len(teams)
    for index, team in enumerate(teams, start=1):
        code = f"{ws.code}{index:02d}" if team else ws.code
        if ws.kind == "maintenance":
            _, job, exposures = _MAINTENANCE_TEAMS[team]
        elif ws.kind == "lab":
            job, exposures = "化验员", ws.exposures
        else:
            job, exposures = "操作工", ws.exposures
        rows.append((Placement(code, job, exposures, month), share))
    return rows


def _placements() -> list[tuple[Placement, float]]:
    rows: list[tuple[Placement, float]] = []
    for division in DIVISIONS:
        for ws in division.workshops:
            rows.extend(_workshop_placements(ws, division.exam_month))
    for ws in HEAD_OFFICE:
        rows.extend(_workshop_placements(ws, HEAD_OFFICE_EXAM_MONTH))
    return rows


class PlacementChoice:
    """Draw an active employee's placement in proportion to workshop headcounts."""

    def __init__(self) -> None:
        rows = _placements()
        self.placements = [p for p, _ in rows]
        self.cumulative = list(accumulate(w for _, w in rows))

    def draw(self, rng: random.Random) -> Placement:
        index = bisect(self.cumulative, rng.random() * self.cumulative[-1])
        return self.placements[index]


def retiree_station_code(index: int) -> str:
    return f"{RETIREES[0]}{index % len(RETIREE_STATIONS) + 1:02d}"


def _unit(code: str, name: str, kind: str, parent: OrgUnit | None, order: int) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        unit = OrgUnit(code=code, name=name, kind=kind, parent=parent, sort_order=order)
        unit.save()
    return unit


@transaction.atomic
def create_org_units() -> DemoOrg:
    """Create the tree (idempotent: units are matched by code) and return it."""
    units: dict[str, OrgUnit] = {}
    company = _unit(COMPANY[0], COMPANY[1], OrgUnit.Kind.COMPANY, None, 0)
    units[company.code] = company
    divisions = []
    for d_order, division in enumerate(DIVISIONS):
        div = _unit(division.code, division.name, OrgUnit.Kind.DIVISION, company, d_order)
        units[div.code] = div
        divisions.append(div)
        for w_order, ws in enumerate(division.workshops):
            shop = _unit(ws.code, ws.name, OrgUnit.Kind.DEPARTMENT, div, w_order)
            units[shop.code] = shop
            for t_order, team in enumerate(ws.teams, start=1):
                code = f"{ws.code}{t_order:02d}"
                units[code] = _unit(code, team, OrgUnit.Kind.TEAM, shop, t_order)
    for order, ws in enumerate(HEAD_OFFICE, start=len(DIVISIONS)):
        units[ws.code] = _unit(ws.code, ws.name, OrgUnit.Kind.DEPARTMENT, company, order)
    retirees = _unit(RETIREES[0], RETIREES[1], OrgUnit.Kind.RETIREES, company, 99)
    units[retirees.code] = retirees
    for index, name in enumerate(RETIREE_STATIONS):
        code = retiree_station_code(index)
        units[code] = _unit(code, name, OrgUnit.Kind.DEPARTMENT, retirees, index)
    return DemoOrg(company=company, divisions=divisions, retirees=retirees, units=units)
