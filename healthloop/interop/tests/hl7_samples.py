"""HL7 v2 messages as a Chinese exam system sends them, built for the tests."""

from healthloop.conftest import ID_MALE_1980


def oru(
    *,
    control_id: str = "MSG0001",
    results: list[tuple[str, str, str, str, str]] | None = None,
    status: str = "F",
    pid3: str = f"{ID_MALE_1980}^^^CHN^ID~P0001^^^HIS^PI",
    filler: str = "EXAM20250601001",
    charset: str = "UNICODE UTF-8",
    name: str = "张三",
) -> str:
    """An ORU^R01; results are (code^text^system, type, value, unit, flag)."""
    results = results or [
        ("SBP^收缩压^L", "NM", "150", "mmHg", "H"),
        ("GLU^空腹血糖^L", "NM", "5.6", "mmol/L", "N"),
    ]
    segments = [
        f"MSH|^~\\&|PEIS|CITYHOSP|HEALTHLOOP|HMC|20250601093000||ORU^R01^ORU_R01|{control_id}|P|2.5.1|||||CHN|{charset}",
        f"PID|1||{pid3}||{name}||19800101|M|||||13800138000",
        f"OBR|1||{filler}|EXAM^健康体检^L|||20250601083000",
    ]
    for set_id, (code, vtype, value, unit, flag) in enumerate(results, start=1):
        segments.append(
            f"OBX|{set_id}|{vtype}|{code}||{value}|{unit}||{flag}|||{status}|||20250601083000"
        )
    return "\r".join(segments) + "\r"


def adt(trigger: str, *, control_id: str, pid3: str, name: str, mrg: str = "") -> str:
    segments = [
        f"MSH|^~\\&|HIS|CITYHOSP|HEALTHLOOP|HMC|20250601093000||ADT^{trigger}|{control_id}|P|2.5",
        f"EVN|{trigger}|20250601093000",
        f"PID|1||{pid3}||{name}||19650315|M",
    ]
    if mrg:
        segments.append(f"MRG|{mrg}")
    return "\r".join(segments) + "\r"
