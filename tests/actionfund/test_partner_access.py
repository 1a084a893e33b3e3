"""The partner's side of the access matrix (tests/security/expectations.py): org C, invited
as a partner of organisation A's draft in the security world, reaches its invitation pages
and nothing of the applicant's own pages, files or actions. Its plain members see the
invitation but cannot answer for the organisation."""

import pytest

from organisations.models import Membership
from tests import factories
from tests.security.probe import send, url_for
from tests.security.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(private_storage):
    return build_world()


def _partner_routes(w):
    invitation = {"pk": w.af_invitation.pk}
    return [
        ("get", "actionfund:invitation_list", None, 200),
        ("get", "actionfund:invitation_detail", invitation, 200),
        ("post", "actionfund:invitation_detail", invitation, 400),  # consent not ticked
        ("post", "actionfund:invitation_decline", invitation, 302),
        ("post", "actionfund:invitation_withdraw", invitation, 302),  # nothing to withdraw
    ]


def _applicant_routes(w):
    draft, attachment = w.af_draft.pk, w.attachment.pk
    return [
        ("get", "actionfund:application_detail", {"pk": draft}),
        ("get", "actionfund:application_edit", {"pk": draft, "step": "basics"}),
        ("get", "actionfund:application_edit", {"pk": draft, "step": "partners"}),
        ("get", "actionfund:attachment_download", {"pk": draft, "attachment_pk": attachment}),
        ("get", "actionfund:partner_search", {"pk": draft}),
        ("post", "actionfund:partner_invite", {"pk": draft}),
        (
            "post",
            "actionfund:partner_invitation_withdraw",
            {"pk": draft, "invitation_pk": w.af_invitation.pk},
        ),
        ("post", "actionfund:application_submit", {"pk": draft}),
        ("post", "actionfund:application_withdraw", {"pk": draft}),
    ]


def test_the_partner_admin_reaches_the_invitation_and_nothing_of_the_applicants(client, world):
    admin_c = world.users["admin_c"]
    problems = []
    for method, name, kwargs, expected in _partner_routes(world):
        outcome = send(client, admin_c, method, url_for(name, kwargs))
        if outcome.status != expected:
            problems.append(f"{method} {name}: {outcome.status}, expected {expected}")
    for method, name, kwargs in _applicant_routes(world):
        outcome = send(client, admin_c, method, url_for(name, kwargs))
        if outcome.status not in (403, 404):
            problems.append(f"{method} {name}: {outcome.status}, expected 403/404")
        if outcome.audit_written:
            problems.append(f"{method} {name}: a refused request wrote the audit trail")
    assert not problems, "\n".join(problems)


def test_the_partner_page_shows_the_application_but_not_its_files(client, world):
    outcome = send(
        client,
        world.users["admin_c"],
        "get",
        url_for("actionfund:invitation_detail", {"pk": world.af_invitation.pk}),
    )
    assert "ALPHA-APPLICATION Fest" in outcome.body
    assert "ALPHA-ATTACHMENT" not in outcome.body
    assert 'name="consent"' in outcome.body


def test_a_plain_member_of_the_partner_sees_but_cannot_answer(client, world):
    member_c = factories.member_of(world.org_c, role=Membership.Role.MEMBER)
    invitation = {"pk": world.af_invitation.pk}
    page = send(client, member_c, "get", url_for("actionfund:invitation_detail", invitation))
    assert page.status == 200 and 'name="consent"' not in page.body
    for name in ("invitation_detail", "invitation_decline", "invitation_withdraw"):
        outcome = send(
            client, member_c, "post", url_for(f"actionfund:{name}", invitation), {"consent": "on"}
        )
        assert outcome.status == 403, name
        assert not outcome.audit_written
