from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.functional import cached_property
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ikmo import pagecache
from ikmo.subprojects import SubProject

from .search import search_key


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who logs in. The e-mail address is the login; there is no username."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="de"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_session_auth_hash(self):
        # Set by ikmo.auth.load_user for the signed-in person, whose password hash is not
        # kept in the cache; computed as usual otherwise.
        return self.__dict__.get("session_auth_hash") or super().get_session_auth_hash()

    @cached_property
    def staff_role_set(self) -> frozenset[tuple[str, str]]:
        """(role, sub-project) pairs, loaded once per request (and kept in the shared cache
        until any data changes, see ikmo.pagecache.remember)."""
        return pagecache.remember(
            f"staff-roles:{self.pk}",
            lambda: frozenset(self.staff_roles.values_list("role", "subproject")),
        )

    @property
    def is_portal_admin(self) -> bool:
        return self.is_superuser or any(r == StaffRole.Role.ADMIN for r, _ in self.staff_role_set)

    @property
    def is_centre_staff(self) -> bool:
        """Consultants, project leads and admins: the people who work for the centre."""
        return self.is_portal_admin or any(
            r in (StaffRole.Role.CONSULTANT, StaffRole.Role.PROJECT_LEAD)
            for r, _ in self.staff_role_set
        )

    def has_staff_role(self, role: str, subproject: str | None = None) -> bool:
        return any(
            r == role and (subproject is None or sp in ("", subproject))
            for r, sp in self.staff_role_set
        )

    # A portal admin (staff role "admin") may change everything, in Django admin too, without
    # also having to be a superuser; is_staff still decides whether admin opens at all.
    def has_perm(self, perm, obj=None):
        if self.is_active and self.is_portal_admin:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label):
        if self.is_active and self.is_portal_admin:
            return True
        return super().has_module_perms(app_label)


class TranslatedName(models.Model):
    """Reference data whose names must read right in both UI languages."""

    slug = models.SlugField(_("slug"), unique=True)
    name_de = models.CharField(_("name (German)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name_de"]

    def __str__(self):
        return self.name

    @staticmethod
    def name_field() -> str:
        """The name column of the current language (German, else English)."""
        return "name_de" if (get_language() or "de").startswith("de") else "name_en"

    @property
    def name(self) -> str:
        return getattr(self, self.name_field())


class District(models.Model):
    """One of Berlin's twelve Bezirke. Proper names, the same in every language."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), unique=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self):
        return self.name


class FieldOfWork(TranslatedName):
    class Meta(TranslatedName.Meta):
        verbose_name = _("field of work")
        verbose_name_plural = _("fields of work")


class SpokenLanguage(TranslatedName):
    class Meta(TranslatedName.Meta):
        verbose_name = _("language")
        verbose_name_plural = _("languages")


class OrganisationQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Organisation.Status.APPROVED)

    def with_lists(self):
        """Everything a list row shows, in a fixed number of queries."""
        return self.select_related("district", "centre_contact").prefetch_related(
            "fields_of_work", "languages"
        )


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MIGRANT_ORGANISATION = "mo", _("Migrant organisation")
        REFUGEE_INITIATIVE = "refugee_initiative", _("Refugee initiative")
        PUBLIC_ADMINISTRATION = "administration", _("Public administration")
        SOCIAL_SERVICE = "social_service", _("Social service provider / welfare association")
        CARRIER = "carrier", _("Carrier of the centre")
        # An umbrella of migrant organisations. Other organisations join it (NetworkMembership);
        # reporting does not count it among MO_KINDS, so the reach figures stay as they were.
        NETWORK = "network", _("MO network / umbrella organisation")

    class LegalForm(models.TextChoices):
        REGISTERED_ASSOCIATION = "ev", _("Registered association (e.V.)")
        GGMBH = "ggmbh", _("Non-profit company (gGmbH)")
        IN_FOUNDING = "in_founding", _("Initiative in founding (no legal form yet)")
        PUBLIC_BODY = "public_body", _("Public body")
        OTHER = "other", _("Other")

    class Stage(models.TextChoices):
        ESTABLISHED = "established", _("Established")
        STARTUP = "startup", _("Start-up")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices)
    founding_year = models.PositiveSmallIntegerField(
        _("founding year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1850), MaxValueValidator(2100)],
    )
    stage = models.CharField(
        _("stage"),
        max_length=20,
        choices=Stage.choices,
        default=Stage.STARTUP,
        help_text=_("Start-ups can ask an established organisation for mentoring."),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        verbose_name=_("district"),
        null=True,
        blank=True,
        related_name="organisations",
    )
    social_space = models.CharField(
        _("social space"),
        max_length=120,
        blank=True,
        help_text=_("Optional: the neighbourhood or planning area within the district."),
    )
    fields_of_work = models.ManyToManyField(
        FieldOfWork, verbose_name=_("fields of work"), blank=True
    )
    languages = models.ManyToManyField(
        SpokenLanguage, verbose_name=_("languages spoken"), blank=True
    )
    communities_served = models.CharField(
        _("communities served"),
        max_length=300,
        blank=True,
        help_text=_("For example: Vietnamese families, Arabic-speaking youth."),
    )
    description = models.TextField(_("about the organisation"), blank=True, max_length=4000)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(
        _("phone"),
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(r"^[0-9 +()/-]{5,40}$", _("Use digits, spaces and + ( ) / - only."))
        ],
    )
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(
        _("postcode"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}$", _("A German postcode has five digits."))],
    )
    city = models.CharField(_("city"), max_length=100, default="Berlin")
    website = models.URLField(_("website"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    # The person at the centre the organisation turns to (a consultant or project lead), set
    # by project leads (services.centre_contact_assign).
    centre_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_for",
        verbose_name=_("contact at the centre"),
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The name in every spelling people type ("brücke", "bruecke", "brucke"), for searches
    # that must not depend on umlauts (organisations/search.py). Derived from `name` in
    # save(), the one place every registration, profile edit and admin change passes
    # through; bulk writes (devtools/scale.py) set it themselves.
    search_name = models.CharField(
        _("name for searching"), max_length=500, blank=True, editable=False, db_index=True
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="organisation_name_unique_ci"),
        ]
        indexes = [
            models.Index(fields=["kind", "status"]),
            # Funder reporting counts registrations and approvals by their date in a period.
            models.Index(fields=["created_at"], name="organisation_created_idx"),
            models.Index(fields=["status", "decided_at"], name="organisation_decided_idx"),
            # The registration queue: the pending ones, oldest first, without walking past
            # every organisation registered since.
            models.Index(fields=["status", "created_at", "id"], name="organisation_queue_idx"),
            # What the reports, the map and the reach list group and filter organisations by,
            # without the wide rows: read from the index alone, not from every row's page.
            models.Index(
                fields=["id", "status", "kind", "district"], name="organisation_facts_idx"
            ),
            # Lists by name (the directory, choosers): a page is read from the index in order
            # instead of sorting every organisation.
            models.Index(fields=["name", "id"], name="organisation_name_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = search_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("organisations:detail", args=[self.pk])

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_network(self) -> bool:
        return self.kind == self.Kind.NETWORK


# The organisations the centre exists for: migrant organisations and refugee initiatives.
MO_KINDS = [Organisation.Kind.MIGRANT_ORGANISATION, Organisation.Kind.REFUGEE_INITIATIVE]


class Membership(models.Model):
    """A person's place in an organisation; join requests wait as PENDING."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Organisation admin")
        MEMBER = "member", _("Member")

    class Status(models.TextChoices):
        PENDING = "pending", _("Requested")
        ACTIVE = "active", _("Active")
        REJECTED = "rejected", _("Declined")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation}"


class NetworkMembership(models.Model):
    """An organisation's membership in a network (an organisation of the network kind).

    The member organisation's admin asks to join and the network's admin confirms, so both
    sides agree; centre staff may record a membership they know of directly."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Requested")
        ACTIVE = "active", _("Member")
        DECLINED = "declined", _("Declined")

    network = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="network_members",
        verbose_name=_("network"),
    )
    member = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="network_memberships",
        verbose_name=_("member organisation"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        ordering = ["network__name", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "member"], name="network_membership_unique"),
            models.CheckConstraint(
                condition=~Q(network=models.F("member")), name="network_membership_not_self"
            ),
        ]
        indexes = [
            models.Index(fields=["network", "status"], name="network_membership_status_idx"),
        ]

    def __str__(self):
        return f"{self.member} → {self.network}"


class StaffRole(models.Model):
    """What a person does for the centre. Project leads are per sub-project; admins see all."""

    class Role(models.TextChoices):
        CONSULTANT = "consultant", _("Consultant / trainer")
        PROJECT_LEAD = "project_lead", _("Project lead")
        JURY = "jury", _("Jury member")
        ADMIN = "admin", _("Admin")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_roles",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    subproject = models.CharField(
        _("sub-project"),
        max_length=30,
        choices=SubProject.choices,
        blank=True,
        help_text=_("Empty means all sub-projects."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        ordering = ["user__email", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "subproject"], name="staffrole_unique"),
        ]

    def __str__(self):
        sp = self.get_subproject_display() or _("all sub-projects")
        return f"{self.user}: {self.get_role_display()} ({sp})"


class Outcome(models.Model):
    """Something an organisation achieved that the centre's support aimed at, as staff learnt
    of it: an outcome (not an output) for the funder report. What the portal can see itself
    (mentoring, placement sites, recommendations implemented) is computed from the records;
    this holds what happens outside it. A change of the legal form to an e.V. in the profile
    records a founding by itself."""

    class Kind(models.TextChoices):
        FOUNDED_ASSOCIATION = "founded_association", _("Founded a registered association (e.V.)")
        OUTSIDE_FUNDING = "outside_funding", _("Won funding from outside the centre")
        OTHER = "other", _("Other outcome")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="outcomes",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(
        pgettext_lazy("achievement", "outcome"), max_length=30, choices=Kind.choices
    )
    date = models.DateField(_("date"), help_text=_("When it happened, e.g. the grant decision."))
    funder = models.CharField(
        _("funder"),
        max_length=160,
        blank=True,
        help_text=_("Who funds it, e.g. a foundation or a district office."),
    )
    amount = models.DecimalField(
        _("amount (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = pgettext_lazy("achievement", "outcome")
        verbose_name_plural = pgettext_lazy("achievement", "outcomes")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["kind", "date"], name="outcome_kind_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="outcome_amount_positive"
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.get_kind_display()} ({self.date:%d.%m.%Y})"


class PublicProfile(models.Model):
    """What an organisation shows in the public directory and on the competence map.

    Kept apart from Organisation: the public sees only what an admin of the organisation
    chose here, after agreeing to the listing (a privacy.ConsentRecord of purpose
    "public_listing"). Withdrawing that consent ends the listing at once; the choices stay
    for a later consent. Whether an organisation is listed is decided in one place,
    organisations.permissions.listed_q.
    """

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="public_profile",
        verbose_name=_("organisation"),
    )
    consent = models.ForeignKey(
        "privacy.ConsentRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent to the listing"),
    )
    show_fields_of_work = models.BooleanField(_("show fields of work"), default=False)
    show_languages = models.BooleanField(_("show languages"), default=False)
    show_district = models.BooleanField(_("show district"), default=False)
    show_offer = models.BooleanField(_("show what we offer"), default=False)
    show_contact = models.BooleanField(_("show contact details"), default=False)
    offer = models.TextField(
        _("what we offer"),
        max_length=600,
        blank=True,
        help_text=_("A few sentences: what other organisations and the public can ask you for."),
    )
    contact_email = models.EmailField(
        _("public e-mail"),
        blank=True,
        help_text=_("An address of the organisation, not a person's private one."),
    )
    contact_phone = models.CharField(
        _("public phone"),
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(r"^[0-9 +()/-]{5,40}$", _("Use digits, spaces and + ( ) / - only."))
        ],
    )
    contact_website = models.URLField(_("website"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("public profile")
        verbose_name_plural = _("public profiles")
        ordering = ["organisation__name"]

    def __str__(self):
        return str(self.organisation)

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_email or self.contact_phone or self.contact_website)


class ContactRequest(models.Model):
    """A member of one organisation asked a listed organisation for contact, through the
    portal: the listed organisation's admins get the message by e-mail; nobody learns who
    its members are."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contact_requests",
        verbose_name=_("asked organisation"),
    )
    from_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("asking organisation"),
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contact_requests",
        verbose_name=_("person asking"),
    )
    message = models.TextField(_("message"), max_length=2000)
    share_email = models.BooleanField(_("e-mail address passed on for replies"), default=False)
    form_token = models.CharField(_("form token"), max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact request")
        verbose_name_plural = _("contact requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requester", "created_at"], name="contactrequest_rate_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "form_token"],
                condition=~Q(form_token=""),
                name="contactrequest_once_per_form",
            )
        ]

    def __str__(self):
        return f"{self.from_organisation} → {self.organisation} ({self.created_at:%d.%m.%Y})"
