from django.core.management.base import BaseCommand
from django.utils import timezone

from volunteering import rules, services


class Command(BaseCommand):
    help = (
        "Anonymise volunteers whose last placement ended more than "
        "IKMO_VOLUNTEER_RETENTION_DAYS ago (also run daily by Celery beat)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only report how many would be anonymised."
        )

    def handle(self, *args, dry_run=False, **options):
        today = timezone.localdate()
        if dry_run:
            count = services.volunteers_due_for_erasure(today).count()
            self.stdout.write(
                f"{count} volunteers would be anonymised (retention {rules.retention_days()} days)."
            )
            return
        count = services.volunteer_erase_expired(today=today)
        self.stdout.write(self.style.SUCCESS(f"{count} volunteers anonymised."))
