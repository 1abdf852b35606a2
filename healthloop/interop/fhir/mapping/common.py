"""Small helpers shared by the mappings' output side."""

from typing import Any

JSON = dict[str, Any]


def subject_ref(row: Any) -> JSON:
    """``{"reference": "Patient/<uuid>"}`` for a row of a person's record.

    Selectors annotate ``person_uuid`` so that a page of results does not load (and decrypt)
    every person; a row fresh from a write has its person attached instead.
    """
    person_uuid = getattr(row, "person_uuid", None) or row.person.uuid
    return {"reference": f"Patient/{person_uuid}"}
