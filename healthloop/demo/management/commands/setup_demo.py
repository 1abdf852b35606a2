"""`make run`'s set-up step: load the demo population when the database is empty, create the
demo log-ins and print them."""

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand

from healthloop.demo.logins import DEMO_PASSWORD, create_demo_logins
from healthloop.people.models import Person


class Command(BaseCommand):
    help = "Load the demo population if the database is empty, create and print demo log-ins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--persons", type=int, default=int(os.environ.get("DEMO_PERSONS", "2000"))
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        if not Person.objects.exists():
            call_command("seed_demo", persons=options["persons"], seed=options["seed"])
        else:
            self.stdout.write("demo: persons already present, not seeding")
        rows = create_demo_logins()
        self.stdout.write(self.style.SUCCESS(f"Demo log-ins (password for all: {DEMO_PASSWORD})"))
        for login in rows:
            line = f"  {login.username:<10} {login.role:<15} {login.display_name:<8}"
            self.stdout.write(f"{line} 范围: {login.scope}")
