"""`manage.py seed_scale`: fictional data at the issue's scale, for benchmarks.

    manage.py seed_scale                                  # 5,000 organisations, 50,000 coaching
    manage.py seed_scale --factor 0.1                     # the same mix at a tenth
    manage.py seed_scale --organisations 800 --coaching 4000 --applications 300

Adds rows (it does not delete any): run it on an empty or throwaway database, never on
production. Prints the time taken and the number of rows of each kind.
"""

from dataclasses import fields

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from devtools.scale import Scale, generate


class Command(BaseCommand):
    help = "Generate fictional data at scale (bulk inserts) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2025, help="Faker/random seed.")
        parser.add_argument("--year", type=int, help="Centre of the dates (default: this year).")
        parser.add_argument(
            "--factor", type=float, default=1.0, help="Multiply every count (default 1)."
        )
        parser.add_argument(
            "--i-know-this-is-not-production",
            action="store_true",
            dest="force",
            help="Allow running with DEBUG off on a non-SQLite database.",
        )
        for f in fields(Scale):
            kind = float if f.type in ("float", float) else int
            parser.add_argument(
                f"--{f.name.replace('_', '-')}", type=kind, help=f"default {f.default}"
            )

    def handle(self, *args, **options):
        if connection.vendor != "sqlite" and not settings.DEBUG and not options["force"]:
            raise CommandError(
                "This adds thousands of fictional rows. On a non-SQLite database with DEBUG off "
                "pass --i-know-this-is-not-production."
            )
        scale = Scale().scaled(options["factor"]) if options["factor"] != 1 else Scale()
        for f in fields(Scale):
            if options.get(f.name) is not None:
                setattr(scale, f.name, options[f.name])
        generator = generate(scale, seed=options["seed"], year=options["year"])
        result = generator.result
        self.stdout.write(
            f"Generated in {result.seconds:.1f} s on {connection.vendor} (dates around {result.year}):"
        )
        for line in result.lines():
            self.stdout.write(line)
        self.stdout.write(f"  {sum(result.counts.values()):>8}  rows in all (without link tables)")
