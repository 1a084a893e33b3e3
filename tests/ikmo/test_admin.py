"""Django admin: every registry and pipeline model is there, searchable and filterable."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from ikmo import mfa
from ikmo.api import tokens as api_tokens
from ikmo.audit import audit_log
from ikmo.mail import email_queue
from ikmo.models import CheckIn, ListExport, NotificationPreference, OutboundEmail
from organisations.models import Membership, NetworkMembership, Organisation
from tests import factories
from tests.conftest import enrol_mfa
from tests.organisations.conftest import finished_document

pytestmark = pytest.mark.django_db

APPS = ["organisations", "ikmo"]
MODELS = [model for label in APPS for model in apps.get_app_config(label).get_models()]


def _id(model):
    return model._meta.label


@pytest.fixture
def superuser(db):
    user = factories.UserFactory(is_superuser=True, is_staff=True, email="root@centre.example")
    enrol_mfa(user)
    return user


@pytest.fixture
def rows(org, other_org, org_admin, org_member, consultant, superuser, settings, tmp_path):
    """At least one row of every model, so filters have choices and rows render."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    factories.MembershipFactory(organisation=other_org, status=Membership.Status.PENDING)
    audit_log(
        actor=org_admin, action="organisations.organisation.updated", target=org, organisation=org
    )
    finished_document(org, by=org_member)
    ListExport.objects.create(requested_by=consultant, list_key="organisations.directory")
    api_tokens.token_create(user=org_member, name="Vereins-CRM", scope="read")
    factories.OutcomeFactory(organisation=org)
    network = factories.OrganisationFactory(name="Netzwerk Admin", kind=Organisation.Kind.NETWORK)
    NetworkMembership.objects.create(network=network, member=org, requested_by=org_admin)
    # A public listing of org, and a request for contact from the other organisation.
    from organisations.services import contact_request_send

    factories.listed(org, by=org_admin)
    contact_request_send(
        organisation=org,
        from_organisation=other_org,
        by=factories.member_of(other_org, email="asker@org-b.example"),
        message="Wollen wir zusammenarbeiten?",
    )
    mfa.mfa_invitation_create(user=consultant, by=superuser, send=False)
    NotificationPreference.objects.create(user=org_member, reminders=False)
    CheckIn.objects.create(
        kind="qualification.registration",
        registration_id=1,
        occasion_id=1,
        method=CheckIn.Method.PERSONAL,
        checked_in_by=consultant,
    )
    email_queue(
        to="person@example.org",
        template="organisations/email/join_approved",
        context={"organisation": org},
    )
    # A conversation on an application, read by its author.
    from ikmo.services import message_post, thread_mark_read
    from tests.actionfund.factories import submitted

    message = message_post(
        record=submitted(organisation=org, by=org_member), author=org_member, body="Eine Frage"
    )
    thread_mark_read(thread=message.thread, user=org_admin, message_id=message.pk)


@pytest.mark.parametrize("model", MODELS, ids=_id)
def test_every_model_is_registered_with_filters_and_search(model):
    assert admin.site.is_registered(model), f"{model._meta.label} is missing from the admin"
    model_admin = admin.site._registry[model]
    assert model_admin.search_fields, f"{model._meta.label} has no search"
    assert model_admin.list_display != ("__str__",), f"{model._meta.label} has no columns"


FILTERLESS = {"organisations.District", "organisations.FieldOfWork", "organisations.SpokenLanguage"}


@pytest.mark.parametrize("model", MODELS, ids=_id)
def test_changelist_loads_with_a_search_and_each_filter(client, superuser, rows, model):
    label = model._meta.label
    if label not in FILTERLESS:
        assert admin.site._registry[model].list_filter, f"{label} has no list filters"
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    client.force_login(superuser)

    response = client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1, f"{label}: no rows to show"

    response = client.get(url, {"q": "example"})
    assert response.status_code == 200, label

    # Apply the first real choice of every filter the page offers (invalid ones redirect).
    for spec in response.context["cl"].filter_specs:
        choices = [c for c in spec.choices(response.context["cl"]) if not c.get("selected")]
        if not choices:
            continue
        query = choices[0]["query_string"]
        filtered = client.get(url + query)
        assert filtered.status_code == 200, f"{label}: filter {query} failed"
        assert filtered.context["cl"].has_active_filters or "q=" in query, query


@pytest.mark.parametrize(
    "name", ["organisations_organisation", "organisations_user", "ikmo_generateddocument"]
)
def test_change_pages_load(client, superuser, rows, name):
    from django.contrib.contenttypes.models import ContentType

    app_label, model_name = name.split("_", 1)
    model = ContentType.objects.get(app_label=app_label, model=model_name).model_class()
    obj = model.objects.first()
    client.force_login(superuser)
    assert client.get(reverse(f"admin:{name}_change", args=[obj.pk])).status_code == 200
    assert client.get(reverse(f"admin:{name}_add")).status_code == 200


def test_admin_sign_in_goes_through_allauth(client):
    """So the login rate limits and the second factor apply to the admin as well."""
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert response.status_code == 200


def test_staff_without_mfa_cannot_open_the_admin(client):
    user = factories.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:index"))["Location"] == reverse("mfa_required")


def test_failed_mails_can_be_sent_again_from_the_admin(
    client, superuser, org, django_capture_on_commit_callbacks
):
    from django.core import mail

    email = email_queue(
        to="retry@example.org",
        template="organisations/email/join_approved",
        context={"organisation": org},
    )
    OutboundEmail.objects.filter(pk=email.pk).update(status="failed", last_error="smtp down")
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:ikmo_outboundemail_changelist"),
            {"action": "retry", "_selected_action": [email.pk]},
        )
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert [m.to for m in mail.outbox] == [["retry@example.org"]]


def test_portal_admin_role_works_in_django_admin_without_being_superuser(client, portal_admin, org):
    """The staff role "admin" is what makes someone an admin, not the superuser flag."""
    assert not portal_admin.is_superuser
    client.force_login(portal_admin)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert reverse("admin:organisations_organisation_changelist") in index.content.decode()
    changelist = client.get(reverse("admin:organisations_organisation_changelist"))
    assert changelist.status_code == 200 and org.name in changelist.content.decode()


def test_staff_flag_alone_gives_no_admin_rights(client, consultant):
    consultant.is_staff = True
    consultant.save(update_fields=["is_staff"])
    client.force_login(consultant)
    response = client.get(reverse("admin:organisations_organisation_changelist"))
    assert response.status_code == 403


def test_admin_pages_allow_inline_styles_but_never_inline_scripts(client, superuser, org):
    client.force_login(superuser)
    admin_csp = client.get(reverse("admin:organisations_organisation_change", args=[org.pk]))[
        "Content-Security-Policy"
    ]
    directives = dict(d.strip().split(" ", 1) for d in admin_csp.split(";") if d.strip())
    assert "'unsafe-inline'" in directives["style-src"]
    assert "'unsafe-inline'" not in directives["script-src"]
    portal_csp = client.get(reverse("organisations:detail", args=[org.pk]))[
        "Content-Security-Policy"
    ]
    assert "'unsafe-inline'" not in portal_csp


def test_admin_pages_carry_no_side_navigation_of_every_model(client, superuser, org):
    """The index lists the models; other pages link to it and to their app, and do not list
    every model of the portal again (half of a changelist's HTML and render time)."""
    client.force_login(superuser)
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:qualification_workshop_changelist") in index
    changelist = client.get(reverse("admin:organisations_organisation_changelist"))
    body = changelist.content.decode()
    assert changelist.status_code == 200
    assert 'id="nav-sidebar"' not in body
    assert reverse("admin:qualification_workshop_changelist") not in body
    breadcrumbs = body[body.index('class="breadcrumbs"') :]
    assert f'href="{reverse("admin:index")}"' in breadcrumbs
    assert f'href="{reverse("admin:app_list", args=["organisations"])}"' in breadcrumbs


@pytest.mark.parametrize(
    "model_label",
    ["actionfund.Attachment", "actionfund.Receipt", "volunteering.RecognitionDocument"],
)
def test_uploaded_files_only_come_in_through_the_checked_portal_forms(
    client, superuser, model_label
):
    """The admin shows uploaded files but cannot add or replace one: that would pass a file
    by the upload checks (type sniffing, active PDF content, archive bombs)."""
    model = apps.get_model(model_label)
    model_admin = admin.site._registry[model]
    client.force_login(superuser)
    opts = model._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert response.status_code == 403
    assert not model_admin.has_add_permission(None)
    assert "file" in model_admin.get_readonly_fields(None)


def test_admin_change_forms_never_carry_a_full_list_of_organisations_people_or_workshops(rf):
    """Every field of an admin form (and inline) that refers to an organisation, a person or
    a workshop searches on demand (autocomplete) or takes an id: the lists grow with the data
    (5,000 organisations at full scale). Admins that change nothing are left out."""
    from django import forms
    from django.contrib.admin import widgets

    from organisations.models import Organisation, User
    from qualification.models import Workshop

    targets = (Organisation, User, Workshop)
    on_demand = (
        widgets.AutocompleteMixin,
        widgets.ForeignKeyRawIdWidget,
        widgets.ManyToManyRawIdWidget,
    )
    request = rf.get("/admin/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    full_lists = []

    def check(model_admin, form, skip=()):
        for name, field in form.base_fields.items():
            if name in skip or not isinstance(field, forms.ModelChoiceField):
                continue
            widget = field.widget
            if isinstance(widget, widgets.RelatedFieldWidgetWrapper):
                widget = widget.widget
            if field.queryset.model in targets and not isinstance(widget, on_demand):
                full_lists.append(f"{type(model_admin).__name__}.{name}")

    for model_admin in admin.site._registry.values():
        if model_admin.has_add_permission(request) or model_admin.has_change_permission(request):
            check(model_admin, model_admin.get_form(request))
        for inline in model_admin.get_inline_instances(request):
            formset = inline.get_formset(request)
            check(inline, formset.form, skip={formset.fk.name})  # the parent: hidden
    assert not full_lists, f"use autocomplete_fields: {full_lists}"
    for target in targets:
        assert admin.site._registry[target].search_fields, target
