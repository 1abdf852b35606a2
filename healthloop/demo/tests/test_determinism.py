"""seed_demo is deterministic, refuses a non-empty database, and appends on request."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from healthloop.demo.digest import population_digest
from healthloop.demo.generator import DemoDataPresent, seed_demo
from healthloop.people.models import Person

pytestmark = pytest.mark.django_db


def _digest_of_run(**kwargs: object) -> str:
    """Seed inside a savepoint, fingerprint, roll back: the next run starts empty."""
    with transaction.atomic():
        seed_demo(**kwargs)  # type: ignore[arg-type]
        digest = population_digest()
        transaction.set_rollback(True)
    return digest


def test_same_seed_gives_identical_data_whatever_the_chunk_size(catalog):
    # given two runs with the same seed and size but different chunking
    # when each is fingerprinted
    first = _digest_of_run(persons=60, seed=11, chunk_size=60)
    second = _digest_of_run(persons=60, seed=11, chunk_size=25)
    # then persons, encounters, observations and facts are identical
    assert first == second


def test_another_seed_gives_other_data(catalog):
    # given / when
    first = _digest_of_run(persons=30, seed=11)
    other = _digest_of_run(persons=30, seed=12)
    # then
    assert first != other


def test_refuses_a_database_with_persons_unless_appending(catalog):
    # given a seeded database
    seed_demo(persons=20, seed=3)
    # when seeding again without append
    with pytest.raises(DemoDataPresent):
        seed_demo(persons=20, seed=3)
    # then nothing was added; with append the sequence continues with new, unique people
    assert Person.objects.count() == 20
    result = seed_demo(persons=15, seed=3, append=True)
    assert result.first_index == 20 and result.persons == 15
    assert Person.objects.count() == 35
    assert Person.objects.values("id_number_hash").distinct().count() == 35
    assert Person.objects.values("employee_no").distinct().count() == 35


def test_command_prints_progress_and_summary_and_refuses_a_second_run(catalog, capsys):
    # given an empty database
    # when the command runs
    call_command("seed_demo", persons=12, seed=5, chunk_size=5)
    out = capsys.readouterr().out
    # then it printed one progress line per chunk and the summary
    assert out.count("demo: ") >= 4
    assert "demo: 12 persons" in out
    with pytest.raises(CommandError, match="--append"):
        call_command("seed_demo", persons=12, seed=5)
