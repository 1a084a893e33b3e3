"""Send (and print) a second-factor invitation link to a staff member.

    python manage.py mfa_invite berater@example.org [--no-mail]

Staff enrol their authenticator only through such a link; see ikmo/mfa.py.
"""

from django.core.management.base import BaseCommand, CommandError

from ikmo import mfa
from organisations.models import User


class Command(BaseCommand):
    help = "Send a single-use, expiring link through which a staff member sets up their TOTP."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--no-mail", action="store_true", help="only print the link, send no e-mail"
        )

    def handle(self, *args, email, no_mail=False, **options):
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active account with the address {email!r}.")
        if not mfa.needs_second_factor(user):
            raise CommandError(f"{email} has no staff role: no second factor is needed.")
        _invitation, url = mfa.mfa_invitation_create(user=user, send=not no_mail)
        self.stdout.write(url)
