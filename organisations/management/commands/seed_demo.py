"""Fictional demo data: organisations in several districts and one login per role.

Safe to run again: existing demo records are kept and completed, nothing is duplicated.
The rows are built with the factories of devtools/factories.py (a dev dependency), here and
in each app's `demo` hook.
"""

import inspect
import os

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ikmo.subprojects import hooks
from organisations.models import District, FieldOfWork, SpokenLanguage, User

DEMO_PASSWORD = "ikmo-demo-2026"

# (name, kind, legal form, founded, stage, district slug, fields, languages, communities, status)
ORGANISATIONS = [
    (
        "Brückenbau e.V.",
        "mo",
        "ev",
        2009,
        "established",
        "neukolln",
        ["education", "youth"],
        ["ar", "de"],
        "Arabic-speaking families",
        "approved",
    ),
    (
        "Sonnenblume Kulturverein e.V.",
        "mo",
        "ev",
        2014,
        "established",
        "friedrichshain-kreuzberg",
        ["culture", "women"],
        ["tr", "ku", "de"],
        "Women from Turkey and Kurdistan",
        "approved",
    ),
    (
        "Neue Nachbarschaft Initiative",
        "refugee_initiative",
        "in_founding",
        None,
        "startup",
        "lichtenberg",
        ["refugee-support", "counselling"],
        ["uk", "ru"],
        "Refugees from Ukraine",
        "approved",
    ),
    (
        "Lotus Gesundheitsnetz e.V.",
        "mo",
        "ev",
        2018,
        "established",
        "marzahn-hellersdorf",
        ["health", "elderly"],
        ["vi", "de"],
        "Vietnamese seniors",
        "approved",
    ),
    (
        "Kiez der Sprachen e.V.",
        "mo",
        "ev",
        2021,
        "startup",
        "mitte",
        ["education", "culture"],
        ["fa", "ar", "de"],
        "Afghan and Syrian youth",
        "approved",
    ),
    (
        "Teranga Berlin e.V.",
        "mo",
        "ev",
        2016,
        "established",
        "pankow",
        ["work", "youth"],
        ["fr", "en"],
        "West African communities",
        "approved",
    ),
    (
        "Horizont Frauenforum",
        "mo",
        "in_founding",
        None,
        "startup",
        "spandau",
        ["women", "political-participation"],
        ["ar", "so", "ti"],
        "Women from East Africa",
        "pending",
    ),
    (
        "Regenbogen ohne Grenzen e.V.",
        "mo",
        "ev",
        2019,
        "startup",
        "tempelhof-schoneberg",
        ["lgbtiq", "counselling"],
        ["en", "ar", "tr"],
        "Queer migrants",
        "approved",
    ),
    (
        "Samowar Seniorentreff e.V.",
        "mo",
        "ev",
        2003,
        "established",
        "charlottenburg-wilmersdorf",
        ["elderly", "culture"],
        ["ru", "uk"],
        "Russian-speaking seniors",
        "approved",
    ),
    (
        "Anadolu Sportfreunde e.V.",
        "mo",
        "ev",
        1998,
        "established",
        "reinickendorf",
        ["sports", "youth"],
        ["tr", "de"],
        "Young people of all backgrounds",
        "approved",
    ),
    (
        "Grüne Wurzeln Initiative",
        "refugee_initiative",
        "in_founding",
        None,
        "startup",
        "treptow-kopenick",
        ["environment", "refugee-support"],
        ["fa", "de"],
        "Refugees in shared housing",
        "pending",
    ),
    (
        "Bezirksamt Neukölln – Integrationsbüro (Demo)",
        "administration",
        "public_body",
        None,
        "established",
        "neukolln",
        ["education"],
        ["de"],
        "",
        "approved",
    ),
    (
        "Stadtteilhilfe Süd gGmbH (Demo)",
        "social_service",
        "ggmbh",
        1995,
        "established",
        "steglitz-zehlendorf",
        ["counselling", "youth"],
        ["de", "en"],
        "",
        "approved",
    ),
    (
        "Trägerverein Brücke e.V. (Demo)",
        "carrier",
        "ev",
        1990,
        "established",
        "mitte",
        ["counselling", "education"],
        ["de", "ar", "tr"],
        "",
        "approved",
    ),
    (
        "Dialogwerk Berlin e.V. (Demo)",
        "carrier",
        "ev",
        1992,
        "established",
        "friedrichshain-kreuzberg",
        ["political-participation"],
        ["de", "ru", "uk"],
        "",
        "approved",
    ),
    (
        "Netzwerk Vielfalt Berlin (Demo)",
        "network",
        "ev",
        2016,
        "established",
        "mitte",
        ["education", "culture"],
        ["de", "tr", "ar"],
        "Member organisations across Berlin",
        "approved",
    ),
]

# (e-mail, first name, last name, staff roles, organisation memberships)
PEOPLE = [
    (
        "admin@ikmo.example",
        "Alex",
        "Admin",
        [("admin", "")],
        [("Trägerverein Brücke e.V. (Demo)", "member")],
    ),
    (
        "lead@ikmo.example",
        "Lena",
        "Leitung",
        [("project_lead", "")],
        [("Trägerverein Brücke e.V. (Demo)", "member")],
    ),
    (
        "consultant@ikmo.example",
        "Kemal",
        "Beratung",
        [("consultant", "qualification")],
        [("Dialogwerk Berlin e.V. (Demo)", "member")],
    ),
    ("jury@ikmo.example", "Jana", "Jury", [("jury", "actionfund")], []),
    ("mo-a@ikmo.example", "Amira", "Beispiel", [], [("Brückenbau e.V.", "admin")]),
    ("mo-a2@ikmo.example", "Omar", "Muster", [], [("Brückenbau e.V.", "member")]),
    ("mo-b@ikmo.example", "Deniz", "Probe", [], [("Sonnenblume Kulturverein e.V.", "admin")]),
    ("newcomer@ikmo.example", "Nia", "Neu", [], [("Horizont Frauenforum", "admin")]),
]


def demo_allowed() -> bool:
    """Demo accounts with a published password (one of them a superuser) belong on a
    newcomer's machine and in the test suite, never on a real portal."""
    module = getattr(settings, "SETTINGS_MODULE", None) or os.environ.get(
        "DJANGO_SETTINGS_MODULE", ""
    )
    return bool(
        getattr(settings, "IKMO_DEMO_DATA_ALLOWED", False) and not module.endswith(".production")
    )


class Command(BaseCommand):
    help = "Load fictional demo organisations and one login per role (safe to re-run)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="load the demo into a portal with production settings (e.g. a staging copy);"
            " needs IKMO_DEMO_PASSWORD set to a password of your own",
        )

    def handle(self, *args, allow_production=False, **options):
        password = DEMO_PASSWORD
        if not demo_allowed():
            custom = os.environ.get("IKMO_DEMO_PASSWORD", "")
            if not allow_production:
                raise CommandError(
                    "seed_demo refuses to run with these settings (production, or"
                    " IKMO_DEMO_DATA_ALLOWED off): it creates accounts with a published password."
                    " For a staging copy use --allow-production with IKMO_DEMO_PASSWORD set."
                )
            if len(custom) < 12 or custom == DEMO_PASSWORD:
                raise CommandError(
                    "--allow-production needs IKMO_DEMO_PASSWORD: at least 12 characters and not"
                    " the published demo password."
                )
            password = custom
        try:
            # The rows are built with the factories, so a model change is followed in one
            # place. They are a dev dependency: imported only here, production loads the
            # command (and refuses it above) without them.
            import devtools.factories  # noqa: F401
        except ImportError as error:
            raise CommandError(
                "seed_demo builds the demo with devtools/factories.py, which needs the dev"
                " dependencies (requirements-dev.lock, installed by `make install`)."
            ) from error
        self._seed(password)

    @transaction.atomic
    def _seed(self, password):
        from devtools.factories import (
            MembershipFactory,
            OrganisationFactory,
            StaffRoleFactory,
            UserFactory,
            ensure,
        )

        districts = {d.slug: d for d in District.objects.all()}
        fields = {f.slug: f for f in FieldOfWork.objects.all()}
        languages = {lang.slug: lang for lang in SpokenLanguage.objects.all()}
        now = timezone.now()
        orgs = {}
        for (
            name,
            kind,
            legal,
            year,
            stage,
            district,
            fws,
            langs,
            communities,
            status,
        ) in ORGANISATIONS:
            org, _ = ensure(
                OrganisationFactory,
                name=name,
                defaults={
                    "kind": kind,
                    "legal_form": legal,
                    "founding_year": year,
                    "stage": stage,
                    "district": districts[district],
                    "communities_served": communities,
                    "status": status,
                    "decided_at": now if status != "pending" else None,
                    "email": f"kontakt@{district}.ikmo.example",
                    "description": "Fiktive Demo-Organisation für das IKMO-Portal.",
                    "city": "Berlin",
                },
            )
            org.fields_of_work.set([fields[f] for f in fws])
            org.languages.set([languages[lang] for lang in langs])
            orgs[name] = org
        for email, first, last, roles, memberships in PEOPLE:
            user, _ = ensure(
                UserFactory,
                email=email,
                defaults={"password": password, "first_name": first, "last_name": last},
            )
            if email == "admin@ikmo.example":
                user.is_staff = user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            for role, subproject in roles:
                ensure(StaffRoleFactory, user=user, role=role, subproject=subproject)
            for org_name, role in memberships:
                ensure(
                    MembershipFactory,
                    user=user,
                    organisation=orgs[org_name],
                    defaults={"role": role, "status": "active", "decided_at": now},
                )
        self._networks(orgs, now)
        self._public_listings(orgs)
        # Each app may add its own fictional records through the `demo` hook of the portal
        # contract (ikmo/subprojects.py), a `seed(stdout)` function that is safe to run again.
        for _app, seed in hooks("demo"):
            # Apps that create logins themselves take the password actually used, so their
            # own summary line shows the right one.
            if "password" in inspect.signature(seed).parameters:
                seed(self.stdout, password=password)
            else:
                seed(self.stdout)
        if password != DEMO_PASSWORD:
            # The apps' demo people are created with the published password too: replace it.
            for user in User.objects.filter(email__endswith="@ikmo.example"):
                if user.check_password(DEMO_PASSWORD):
                    user.set_password(password)
                    user.save(update_fields=["password"])
        shown = DEMO_PASSWORD if password == DEMO_PASSWORD else "your IKMO_DEMO_PASSWORD"
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded. Logins (password: {shown}):"))
        for email, _first, _last, roles, memberships in PEOPLE:
            what = ", ".join([r for r, _ in roles] + [f"{r} of {o}" for o, r in memberships])
            self.stdout.write(f"  {email:28} {what}")
        self._mfa_links()

    def _networks(self, orgs, now):
        """The demo network's members (one still asking) and a contact at the centre."""
        from organisations.models import NetworkMembership

        network = orgs["Netzwerk Vielfalt Berlin (Demo)"]
        for name, status in (
            ("Brückenbau e.V.", "active"),
            ("Sonnenblume Kulturverein e.V.", "active"),
            ("Teranga Berlin e.V.", "pending"),
        ):
            NetworkMembership.objects.get_or_create(
                network=network,
                member=orgs[name],
                defaults={"status": status, "decided_at": now if status == "active" else None},
            )
        contact = User.objects.filter(email="consultant@ikmo.example").first()
        for name in ("Brückenbau e.V.", "Teranga Berlin e.V."):
            organisation = orgs[name]
            if contact is not None and organisation.centre_contact_id is None:
                organisation.centre_contact = contact
                organisation.save(update_fields=["centre_contact"])

    def _public_listings(self, orgs):
        """The approved demo organisations with an admin agree to the public directory
        (through the service, so each has a recorded consent; a second run adds none)."""
        from organisations.services import PublicListingChoice, public_profile_save

        for org in orgs.values():
            admin = org.memberships.filter(role="admin", status="active").first()
            if org.status != "approved" or admin is None:
                continue
            public_profile_save(
                organisation=org,
                choice=PublicListingChoice(
                    show_fields_of_work=True,
                    show_languages=True,
                    show_district=True,
                    show_offer=True,
                    offer=f"{org.name} bietet Beratung, Treffen und Veranstaltungen an"
                    " (fiktive Demo-Angaben).",
                    show_contact=True,
                    contact_email=org.email,
                ),
                agreed=True,
                by=admin.user,
            )

    def _mfa_links(self):
        """With the staff second-factor rule on, staff enrol only through an invitation
        link: print one per demo staff account that has no authenticator yet."""
        if not settings.IKMO_STAFF_MFA_REQUIRED:
            return
        from ikmo import mfa

        emails = [email for email, *_rest in PEOPLE]
        lines = []
        for user in User.objects.filter(email__in=emails).order_by("email"):
            if mfa.needs_second_factor(user) and not mfa.has_second_factor(user):
                _invitation, url = mfa.mfa_invitation_create(user=user, send=False)
                lines.append(f"  {user.email:28} {url}")
        if lines:
            self.stdout.write(
                "Staff set up their second factor through these one-time links"
                " (sign in, then open the link):"
            )
            for line in lines:
                self.stdout.write(line)
