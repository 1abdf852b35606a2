"""Fixtures of the import tests; users, persons and the catalog come from healthloop/conftest.py."""

import pytest

from healthloop.conftest import ID_FEMALE_1949, ID_MALE_1980


@pytest.fixture
def importer(make_user, catalog):
    """A doctor (doctors hold interop.import_results); the catalog is loaded for every import."""
    return make_user("dr_li", "doctor")


@pytest.fixture
def known_persons(make_person):
    """The two persons of factories.good_rows(), already in the index."""
    return {
        "lisi": make_person("李四", id_number=ID_MALE_1980, employee_no="E1001"),
        "wangfang": make_person("王芳", id_number=ID_FEMALE_1949, employee_no="E1002"),
    }


@pytest.fixture
def run_import(catalog, importer):
    """Import bytes through the service as the importer, synchronously; returns the job.
    A file-level problem raises FileProblem, as it does for the API."""
    from healthloop.interop.imports.services import start_import

    def run(content: bytes, *, name: str = "results.csv", mode: str = "all_or_nothing"):
        return start_import(
            actor=importer, file_name=name, content=content, mode=mode, run_now=True
        )

    return run
