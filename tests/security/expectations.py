"""Who may reach which route: the declared expectation for every URL of the portal.

tests/security/test_access_matrix.py walks the URL configuration and fails for any route
that is neither declared here nor exempt, so a new route cannot ship without someone
deciding who may open it.

Each entry says how to build the route's arguments from the fixture world
(tests/security/world.py), how it is called (GET page, POST action, or a form that takes
both) and which personas may reach it. Persona names are resolved per route: "consultant"
and "lead" belong to the route's own sub-project, "other_consultant" to another one (see
World.persona).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

GET, POST, FORM = "get", "post", "form"

ANON = frozenset({"anonymous"})
EVERYONE = frozenset(
    {
        "anonymous",
        "member_a",
        "admin_a",
        "member_b",
        "consultant",
        "other_consultant",
        "jury",
        "jury_unassigned",
        "lead",
        "admin",
    }
)
LOGGED_IN = EVERYONE - ANON
ORG_A = frozenset({"member_a", "admin_a"})
ADMIN_A = frozenset({"admin_a"})
MEMBERS = frozenset({"member_a", "admin_a", "member_b"})
LEAD = frozenset({"lead", "admin"})
STAFF = frozenset({"consultant", "lead", "admin"})  # staff of the route's sub-project
CENTRE = STAFF | {"other_consultant"}  # consultants and leads of any sub-project, admins
JURY = frozenset({"jury"})  # the juror assigned to the application


@dataclass(frozen=True)
class Route:
    allow: frozenset
    kwargs: Callable | None = None  # world -> dict of URL kwargs
    method: str = GET
    post: Callable | None = None  # world -> POST data for allowed personas (default: empty)
    query: str = ""
    # Personas who may see the object but not take this action: they are sent back to a
    # page with a message (302, not to the login), and nothing is written.
    bounce: frozenset = frozenset()
    # Org A's markers may show to these otherwise-outside personas (public content).
    public: bool = False
    # For a route no persona above may open (a partner's invitation pages): who of the
    # world's other users (World.users) the bad-input and header checks use to reach it.
    probe: str = ""
    notes: str = field(default="", compare=False)

    @property
    def is_object_route(self) -> bool:
        return self.kwargs is not None


def pk(name):
    return lambda w: {"pk": getattr(w, name).pk}


def org_a(key="pk"):
    return lambda w: {key: w.org_a.pk}


def _csv(w):
    return {"format": "csv"}


def _outcome_a(w):
    return {"pk": w.org_a.pk, "outcome_pk": w.outcome_a.pk}


def _contact_request(w):
    return {"from_organisation": w.org_a.pk, "message": "Hallo"}


def _mail_confirmed(w):
    return {"language": "de", "template": "qualification/email/registration_confirmed"}


def _mail_preview(w):
    return {"subject": "{workshop}", "body": "{registrations_link}", "preview": "1"}


def _message(w):
    return {"body": "Eine Nachricht", "token": "matrix"}


def _message_file(w, record, message):
    return {"pk": getattr(w, record).pk, "message_pk": getattr(w, message).pk}


def _personal_code_a(w):
    from ikmo.checkin import personal_token

    return {"token": personal_token(w.registration_a)}


def _programme(name, key=""):
    """An entry of the world's event programme (w.speaker, w.agenda_item, w.info_stand)."""
    return lambda w: {"pk": w.event.pk, key or f"{name}_pk": getattr(w, name).pk}


def _room_code(w):
    from django.utils import timezone

    from ikmo.checkin import checkin_kinds, room_token

    kind = checkin_kinds()["qualification.registration"]
    return {"token": room_token(kind, w.workshop, timezone.localdate())}


# Routes deliberately left out of the matrix, and why.
EXEMPT_PREFIXES = {
    "accounts/": "allauth's own views (login, signup, e-mail, MFA): tested by allauth and "
    "tests/ikmo/test_accounts.py; rate limits and MFA are checked in test_auth_hardening.py",
    "admin/": "Django admin: only is_staff with MFA; test_admin_is_for_admins_only checks "
    "every changelist for every persona",
    "i18n/": "Django's set_language: changes a cookie only, no data",
    "api/v1/": "the REST API: its own route × persona matrix in tests/api/test_api_matrix.py "
    "(tests/api/expect_*.py), with the same world and personas",
    "request-too-large/": "the 413 page for bodies over the limit, no data: "
    "tests/ikmo/test_request_limits.py",
}


EXPECTATIONS: dict[str, Route] = {
    # --- core ---------------------------------------------------------------------------
    "home": Route(EVERYONE),
    "healthz": Route(EVERYONE),
    # Staff second factor: the explanation and the invitation link (tests/ikmo/test_staff_mfa.py);
    # for everyone who needs nothing more (all personas have enrolled), a redirect home.
    "mfa_required": Route(LOGGED_IN),
    "mfa_invitation": Route(LOGGED_IN, lambda w: {"token": "not-a-valid-token"}),
    # A profile sheet is rendered with its requester's view: hers and portal admins' only.
    "document_detail": Route(frozenset({"admin_a", "admin"}), pk("profile_sheet_a")),
    "document_download": Route(frozenset({"admin_a", "admin"}), pk("profile_sheet_a")),
    # The API's schema and documentation describe endpoints, not data.
    "api:schema": Route(EVERYONE),
    "api:docs": Route(EVERYONE),
    # Everyone manages their own API tokens; a token is revoked by its owner only.
    "api_tokens": Route(LOGGED_IN, method=FORM),
    "api_token_revoke": Route(frozenset({"member_a"}), pk("api_token_a"), method=POST),
    # A chooser's search answers per scope (ikmo/choosers.py): here the coaching log's
    # organisations, for qualification staff; every scope and persona in
    # tests/ikmo/test_choosers.py.
    "choose": Route(
        STAFF, lambda w: {"kind": "organisations"}, query="scope=coaching_organisations&q=e"
    ),
    # List exports (ikmo/listexports.py), one set of routes for every staff list. Here the
    # coaching log: the staff of qualification may ask for it; the file and its status page
    # are the requester's alone (the world's export is the qualification consultant's).
    # Every list and persona: tests/ikmo/test_listexports.py.
    "exports:create": Route(
        STAFF, lambda w: {"key": "qualification.coaching"}, method=POST, post=_csv
    ),
    "exports:detail": Route(frozenset({"consultant"}), lambda w: {"uuid": w.export.uuid}),
    "exports:download": Route(frozenset({"consultant"}), lambda w: {"uuid": w.export.uuid}),
    # Check-in by code (ikmo/checkin.py), here for member A's workshop registration: her
    # code is hers and the workshop's staff's; only staff check in with it; the room code
    # checks in whoever is registered (member A), and tells anyone else they are not.
    # Every case: tests/ikmo/test_checkin.py.
    "checkin_code": Route(frozenset({"member_a"}) | STAFF, _personal_code_a),
    "checkin_confirm": Route(STAFF, _personal_code_a, method=POST),
    "checkin_undo": Route(STAFF, _personal_code_a, method=POST),
    "checkin_room_scan": Route(frozenset({"member_a"}), _room_code, method=FORM),
    # --- organisations ------------------------------------------------------------------
    "organisations:directory": Route(CENTRE),
    "organisations:register": Route(LOGGED_IN, method=FORM),
    "organisations:join": Route(LOGGED_IN),
    "organisations:join_request": Route(LOGGED_IN, org_a(), method=POST),
    "organisations:registrations": Route(LEAD),
    "organisations:detail": Route(ORG_A | CENTRE, org_a()),
    # The activity timeline, loaded into the detail page: whoever may see that page.
    "organisations:timeline": Route(ORG_A | CENTRE, org_a()),
    "organisations:edit": Route(ADMIN_A | LEAD, org_a(), method=FORM),
    "organisations:approve": Route(LEAD, pk("pending_org"), method=POST),
    "organisations:reject": Route(LEAD, pk("pending_org"), method=POST),
    "organisations:members": Route(frozenset({"admin_a", "admin"}), org_a()),
    "organisations:member_action": Route(
        frozenset({"admin_a", "admin"}),
        lambda w: {"pk": w.org_a.pk, "membership_pk": w.membership_a.pk, "action": "role"},
        method=POST,
    ),
    "organisations:profile_sheet": Route(ORG_A | CENTRE, org_a(), method=POST),
    # Outcomes are the centre's own evaluation: its staff only, not the organisation's members.
    "organisations:outcome_new": Route(CENTRE, org_a(), method=FORM),
    "organisations:outcome_edit": Route(CENTRE, _outcome_a, method=FORM),
    "organisations:outcome_delete": Route(CENTRE, _outcome_a, method=POST),
    # Networks (organisations/permissions.py): org A's admins ask to join a network (staff
    # record a membership); the network's admins answer; either side or staff end it. The
    # world's network is N (admin_n, not a persona here), org A asked to join it.
    "organisations:network_join": Route(ADMIN_A | CENTRE, org_a(), method=FORM),
    "organisations:network_action": Route(
        ADMIN_A | CENTRE,
        lambda w: {"pk": w.org_a.pk, "membership_pk": w.network_request_a.pk, "action": "end"},
        method=POST,
    ),
    # Project leads name an organisation's contact at the centre.
    "organisations:centre_contact": Route(LEAD, org_a(), method=FORM),
    # The public directory and competence map: for everyone, listing organisation C only
    # (A never agreed, so none of A's markers may show there).
    "organisations:public_directory": Route(EVERYONE, public=True),
    "organisations:public_map": Route(EVERYONE, public=True),
    "organisations:public_detail": Route(EVERYONE, pk("listed_org"), public=True),
    # Members of an approved organisation ask a listed one for contact; staff without an
    # organisation have none to ask for.
    "organisations:public_contact": Route(
        MEMBERS, pk("listed_org"), method=POST, post=_contact_request
    ),
    "organisations:public_profile": Route(ADMIN_A | {"admin"}, org_a(), method=FORM),
    "organisations:public_listing_withdraw": Route(ADMIN_A | {"admin"}, org_a(), method=POST),
    # --- qualification ------------------------------------------------------------------
    "qualification:home": Route(EVERYONE),
    "qualification:workshop_list": Route(EVERYONE),
    "qualification:workshop_calendar": Route(EVERYONE),
    "qualification:workshop_create": Route(STAFF, method=FORM),
    "qualification:workshop_detail": Route(EVERYONE, pk("workshop"), public=True),
    "qualification:workshop_ics": Route(EVERYONE, pk("workshop"), public=True),
    "qualification:workshop_edit": Route(STAFF, pk("workshop"), method=FORM),
    "qualification:workshop_cancel": Route(STAFF, pk("workshop"), method=POST),
    "qualification:workshop_register": Route(
        MEMBERS,
        pk("workshop"),
        method=POST,
        bounce=LOGGED_IN - MEMBERS,  # a public workshop; without an organisation: a message
    ),
    "qualification:attendance": Route(STAFF, pk("workshop")),
    "qualification:attendance_set": Route(
        STAFF,
        lambda w: {"pk": w.workshop.pk, "registration_pk": w.registration_a.pk},
        method=POST,
    ),
    "qualification:room_code": Route(STAFF, pk("workshop")),
    "qualification:participants_csv": Route(STAFF, pk("workshop")),
    "qualification:participants_pdf": Route(STAFF, pk("workshop"), method=POST),
    "qualification:certificates_issue": Route(STAFF, pk("workshop"), method=POST),
    "qualification:my_registrations": Route(LOGGED_IN),
    "qualification:registration_cancel": Route(ORG_A | STAFF, pk("registration_a"), method=POST),
    "qualification:registration_certificate": Route(
        ORG_A | STAFF, pk("registration_a"), method=POST
    ),
    "qualification:feedback": Route(
        frozenset({"member_a"}),
        pk("registration_a"),
        method=FORM,
        bounce=frozenset({"admin_a"}) | STAFF,  # they see the registration, only she rates
    ),
    "qualification:coaching": Route(STAFF),
    "qualification:coaching_start": Route(STAFF),
    "qualification:coaching_detail": Route(STAFF, pk("coaching_a")),
    "qualification:coaching_edit": Route(STAFF, pk("coaching_a"), method=FORM),
    "qualification:coaching_follow_up_done": Route(STAFF, pk("coaching_a"), method=POST),
    "qualification:coaching_organisation": Route(STAFF, org_a("org_pk")),
    "qualification:coaching_create": Route(STAFF, org_a("org_pk"), method=FORM),
    "qualification:coaching_case_toggle": Route(STAFF, org_a("org_pk"), method=POST),
    # The messages of a coaching case: the organisation's members and the qualification
    # staff, as the case itself (ikmo/threads.py); internal notes never reach the members.
    "qualification:coaching_messages": Route(ORG_A | STAFF, pk("coaching_case_a")),
    "qualification:coaching_message_post": Route(
        ORG_A | STAFF, pk("coaching_case_a"), method=POST, post=_message
    ),
    "qualification:coaching_message_file": Route(
        ORG_A | STAFF, lambda w: _message_file(w, "coaching_case_a", "coaching_message_a")
    ),
    # --- mentoring ----------------------------------------------------------------------
    "mentoring:home": Route(EVERYONE),
    "mentoring:contact_list": Route(STAFF),
    "mentoring:contact_create": Route(STAFF, method=FORM),
    "mentoring:contact_detail": Route(STAFF, pk("contact_a")),
    "mentoring:contact_edit": Route(STAFF, pk("contact_a"), method=FORM),
    "mentoring:contact_status": Route(STAFF, pk("contact_a"), method=POST),
    "mentoring:contact_delete": Route(LEAD, pk("contact_a"), method=POST),
    "mentoring:partner_search": Route(STAFF),
    "mentoring:event_list": Route(LOGGED_IN),
    "mentoring:event_create": Route(STAFF, method=FORM),
    "mentoring:event_detail": Route(ORG_A | STAFF, pk("event")),
    "mentoring:event_edit": Route(STAFF, pk("event"), method=FORM),
    "mentoring:event_register": Route(
        ORG_A,
        pk("event"),
        method=POST,
        post=lambda w: {"organisation": w.org_a.pk},
        bounce=STAFF,  # staff see the event but have no organisation to register for
    ),
    "mentoring:event_unregister": Route(frozenset({"member_a"}), pk("event"), method=POST),
    "mentoring:event_attendance_add": Route(STAFF, pk("event"), method=POST),
    "mentoring:room_code": Route(STAFF, pk("event")),
    "mentoring:event_attendance_remove": Route(
        STAFF, lambda w: {"pk": w.event.pk, "attendance_pk": w.attendance_a.pk}, method=POST
    ),
    "mentoring:event_outcome": Route(STAFF, pk("event"), method=POST),
    "mentoring:event_cancel": Route(STAFF, pk("event"), method=POST),
    "mentoring:task_add": Route(STAFF, pk("event"), method=POST),
    "mentoring:task_toggle": Route(
        STAFF, lambda w: {"pk": w.event.pk, "task_pk": w.task.pk}, method=POST
    ),
    "mentoring:public_event_list": Route(EVERYONE, public=True),
    "mentoring:public_event_detail": Route(
        EVERYONE,
        pk("public_event"),
        method=FORM,
        public=True,
        notes="a public event's page and guest registration: programme, no guest data",
    ),
    "mentoring:event_ics": Route(
        ORG_A | STAFF,
        pk("event"),
        notes="as the event page; a public event's file is for everyone (test_public_events)",
    ),
    "mentoring:guest_cancel": Route(
        EVERYONE,
        lambda w: {"token": w.guest_token},
        method=FORM,
        notes="the guest's cancel link: signed token, works signed out, shows that guest only",
    ),
    "mentoring:guest_list": Route(STAFF, pk("public_event")),
    "mentoring:guest_attended": Route(
        STAFF,
        lambda w: {"pk": w.public_event.pk, "guest_pk": w.guest.pk},
        method=POST,
    ),
    "mentoring:guest_documents": Route(
        STAFF, lambda w: {"pk": w.public_event.pk, "kind": "list"}, method=POST
    ),
    "mentoring:event_table_add": Route(STAFF, pk("event"), method=POST),
    "mentoring:event_report": Route(STAFF, pk("event"), method=POST),
    # The programme of an event (speakers, agenda, info stands): the team's, as the event page.
    "mentoring:event_speaker_add": Route(STAFF, pk("event"), method=POST),
    "mentoring:event_speaker_edit": Route(STAFF, _programme("speaker"), method=FORM),
    "mentoring:event_speaker_remove": Route(STAFF, _programme("speaker"), method=POST),
    "mentoring:event_agenda_add": Route(STAFF, pk("event"), method=POST),
    "mentoring:event_agenda_edit": Route(STAFF, _programme("agenda_item", "item_pk"), method=FORM),
    "mentoring:event_agenda_remove": Route(
        STAFF, _programme("agenda_item", "item_pk"), method=POST
    ),
    "mentoring:event_stand_add": Route(STAFF, pk("event"), method=POST),
    "mentoring:event_stand_edit": Route(STAFF, _programme("info_stand", "stand_pk"), method=FORM),
    "mentoring:event_stand_remove": Route(STAFF, _programme("info_stand", "stand_pk"), method=POST),
    "mentoring:offer_edit": Route(STAFF, lambda w: {"org_pk": w.org_c.pk}, method=FORM),
    "mentoring:request_edit": Route(ADMIN_A | STAFF, org_a("org_pk"), method=FORM),
    "mentoring:request_withdraw": Route(ADMIN_A | STAFF, pk("request_a"), method=POST),
    "mentoring:match_list": Route(STAFF),
    "mentoring:match": Route(STAFF, pk("request_a")),
    "mentoring:tandem_propose": Route(LEAD, pk("request_a"), method=POST),
    "mentoring:tandem_list": Route(LOGGED_IN),
    "mentoring:tandem_detail": Route(ORG_A | STAFF, pk("tandem")),
    "mentoring:tandem_accept": Route(
        ADMIN_A, pk("tandem_proposed"), method=POST, post=lambda w: {"organisation": w.org_a.pk}
    ),
    "mentoring:tandem_decline": Route(
        ADMIN_A, pk("tandem_proposed"), method=POST, post=lambda w: {"organisation": w.org_a.pk}
    ),
    "mentoring:tandem_plan": Route(ADMIN_A | STAFF, pk("tandem"), method=FORM),
    "mentoring:meeting_add": Route(ORG_A | STAFF, pk("tandem"), method=FORM),
    "mentoring:tandem_close": Route(ADMIN_A | LEAD, pk("tandem"), method=POST),
    "mentoring:tandem_evaluate": Route(
        ADMIN_A, lambda w: {"pk": w.tandem_done.pk, "org_pk": w.org_a.pk}, method=FORM
    ),
    # --- participation check ------------------------------------------------------------
    "participation_check:home": Route(EVERYONE),
    "participation_check:analysis_list": Route(STAFF),
    "participation_check:analysis_create": Route(STAFF, method=FORM),
    "participation_check:analysis_detail": Route(STAFF, pk("analysis")),
    "participation_check:analysis_edit": Route(STAFF, pk("analysis"), method=FORM),
    "participation_check:analysis_transition": Route(STAFF, pk("analysis"), method=POST),
    "participation_check:guideline_edit": Route(STAFF, pk("analysis"), method=FORM),
    "participation_check:structure_list": Route(STAFF, pk("analysis")),
    "participation_check:structure_create": Route(STAFF, pk("analysis"), method=FORM),
    "participation_check:structure_edit": Route(STAFF, pk("structure"), method=FORM),
    "participation_check:structure_delete": Route(STAFF, pk("structure"), method=POST),
    "participation_check:interview_list": Route(STAFF, pk("analysis")),
    "participation_check:interview_create": Route(STAFF, pk("analysis"), method=FORM),
    "participation_check:interview_detail": Route(STAFF, pk("interview_a")),
    "participation_check:interview_edit": Route(STAFF, pk("interview_a"), method=FORM),
    "participation_check:interview_withdraw_consent": Route(STAFF, pk("interview_a"), method=POST),
    "participation_check:interview_delete": Route(STAFF, pk("interview_a"), method=POST),
    "participation_check:meeting_list": Route(STAFF, pk("analysis")),
    "participation_check:meeting_create": Route(STAFF, pk("analysis"), method=FORM),
    "participation_check:meeting_edit": Route(STAFF, pk("pc_meeting"), method=FORM),
    "participation_check:recommendation_list": Route(STAFF, pk("analysis")),
    "participation_check:recommendation_create": Route(STAFF, pk("analysis"), method=FORM),
    "participation_check:recommendation_detail": Route(STAFF, pk("recommendation")),
    "participation_check:recommendation_edit": Route(STAFF, pk("recommendation"), method=FORM),
    "participation_check:report": Route(EVERYONE, pk("published_analysis")),
    "participation_check:report_pdf": Route(EVERYONE, pk("published_analysis")),
    "participation_check:report_pdf_request": Route(STAFF, pk("published_analysis"), method=POST),
    # --- action fund --------------------------------------------------------------------
    "actionfund:home": Route(EVERYONE),
    "actionfund:call_list": Route(EVERYONE),
    "actionfund:call_create": Route(LEAD, method=FORM),
    "actionfund:call_detail": Route(EVERYONE, pk("call")),
    "actionfund:call_edit": Route(LEAD, pk("call"), method=FORM),
    "actionfund:application_start": Route(LOGGED_IN, pk("call"), method=FORM),
    "actionfund:call_ranking": Route(LEAD, pk("call")),
    "actionfund:call_ledger": Route(STAFF, pk("call")),
    "actionfund:application_list": Route(LOGGED_IN),
    "actionfund:application_detail": Route(ORG_A | STAFF | JURY, pk("af_review")),
    "actionfund:application_edit": Route(
        ORG_A, lambda w: {"pk": w.af_draft.pk, "step": "basics"}, method=FORM
    ),
    "actionfund:application_autosave": Route(
        ORG_A,
        lambda w: {"pk": w.af_draft.pk, "step": "basics"},
        method=POST,
        notes="background save of a draft step: the same edit permission as the step",
    ),
    "actionfund:partner_search": Route(
        ORG_A,
        pk("af_draft"),
        query="partner_q=ve",
        notes="names of approved organisations, only while editing one's own draft",
    ),
    # Partner invitations. The applicant invites and takes back open invitations; the world's
    # invitation (af_invitation, on af_draft) goes to org C, whose admin is no persona here:
    # every persona, org A included, is refused the partner's own pages. That org C's admin
    # reaches them (read-only, never the applicant's pages or files) is tested in
    # tests/actionfund/test_partner_access.py with the same world and probe.
    "actionfund:partner_invite": Route(
        ORG_A, pk("af_draft"), method=POST, post=lambda w: {"organisation": w.org_c.pk}
    ),
    "actionfund:partner_invitation_withdraw": Route(
        ORG_A,
        lambda w: {"pk": w.af_draft.pk, "invitation_pk": w.af_invitation.pk},
        method=POST,
    ),
    "actionfund:invitation_list": Route(LOGGED_IN),
    "actionfund:invitation_detail": Route(
        frozenset(), pk("af_invitation"), method=FORM, probe="admin_c"
    ),
    "actionfund:invitation_decline": Route(
        frozenset(), pk("af_invitation"), method=POST, probe="admin_c"
    ),
    "actionfund:invitation_withdraw": Route(
        frozenset(), pk("af_invitation"), method=POST, probe="admin_c"
    ),
    "actionfund:application_submit": Route(ORG_A, pk("af_draft"), method=POST),
    "actionfund:application_withdraw": Route(ORG_A | LEAD, pk("af_review"), method=POST),
    "actionfund:application_transition": Route(LEAD, pk("af_review"), method=POST),
    "actionfund:application_decide": Route(LEAD, pk("af_review"), method=FORM),
    "actionfund:jury_assign": Route(LEAD, pk("af_review"), method=POST),
    "actionfund:jury_unassign": Route(
        LEAD, lambda w: {"pk": w.af_review.pk, "user_pk": w.users["jury"].pk}, method=POST
    ),
    "actionfund:application_score": Route(JURY, pk("af_review"), method=FORM),
    "actionfund:application_history": Route(STAFF | JURY, pk("af_review")),
    # Messages about an application are the organisation's and the fund staff's alone: not
    # the assigned jury's (they may hold details beyond the application the jury scores).
    "actionfund:application_messages": Route(ORG_A | STAFF, pk("af_review")),
    "actionfund:application_message_post": Route(
        ORG_A | STAFF, pk("af_review"), method=POST, post=_message
    ),
    "actionfund:application_message_file": Route(
        ORG_A | STAFF, lambda w: _message_file(w, "af_review", "af_message")
    ),
    "actionfund:attachment_download": Route(
        ORG_A | STAFF, lambda w: {"pk": w.af_draft.pk, "attachment_pk": w.attachment.pk}
    ),
    "actionfund:attachment_delete": Route(
        ORG_A,
        lambda w: {"pk": w.af_draft.pk, "attachment_pk": w.attachment.pk},
        method=POST,
    ),
    "actionfund:agreement_request": Route(ORG_A | STAFF, pk("af_paid"), method=POST),
    "actionfund:payment_add": Route(LEAD, pk("af_paid"), method=POST),
    "actionfund:return_add": Route(LEAD, pk("af_paid"), method=POST),
    "actionfund:proof_edit": Route(ORG_A, pk("af_paid"), method=FORM),
    "actionfund:receipt_add": Route(ORG_A, pk("af_paid"), method=POST),
    "actionfund:receipt_download": Route(
        ORG_A | STAFF, lambda w: {"pk": w.af_paid.pk, "receipt_pk": w.receipt.pk}
    ),
    "actionfund:proof_review": Route(LEAD, pk("af_paid"), method=POST),
    "actionfund:jury_list": Route(frozenset({"jury", "jury_unassigned"})),
    "actionfund:transition_table": Route(STAFF),
    # --- volunteer service desk ---------------------------------------------------------
    "volunteering:home": Route(EVERYONE),
    "volunteering:organisations": Route(STAFF),
    "volunteering:organisation": Route(ORG_A | STAFF, org_a()),
    "volunteering:interest": Route(ADMIN_A | STAFF, org_a(), method=POST),
    "volunteering:status": Route(STAFF, org_a(), method=FORM),
    "volunteering:document_upload": Route(ADMIN_A | STAFF, org_a(), method=FORM),
    "volunteering:consultation_new": Route(STAFF, org_a(), method=FORM),
    "volunteering:document_download": Route(ORG_A | STAFF, pk("recognition_doc")),
    "volunteering:document_delete": Route(STAFF, pk("recognition_doc"), method=POST),
    "volunteering:consultations": Route(STAFF),
    "volunteering:consultation_edit": Route(STAFF, pk("consultation_a"), method=FORM),
    "volunteering:contingents": Route(STAFF),
    "volunteering:contingent_edit": Route(LEAD, pk("contingent"), method=FORM),
    "volunteering:placements": Route(LOGGED_IN),
    "volunteering:placement_new": Route(STAFF, method=FORM),
    "volunteering:placement": Route(ORG_A | STAFF, pk("placement_a")),
    "volunteering:placement_edit": Route(STAFF, pk("placement_a"), method=FORM),
    "volunteering:placement_transition": Route(STAFF, pk("placement_a"), method=POST),
    "volunteering:placement_messages": Route(ORG_A | STAFF, pk("placement_a")),
    "volunteering:placement_message_post": Route(
        ORG_A | STAFF, pk("placement_a"), method=POST, post=_message
    ),
    "volunteering:placement_message_file": Route(
        ORG_A | STAFF, lambda w: _message_file(w, "placement_a", "placement_message_a")
    ),
    "volunteering:volunteer_erase": Route(STAFF, pk("placement_a"), method=POST),
    "volunteering:volunteer_export": Route(STAFF, pk("placement_a")),
    "volunteering:seminars": Route(MEMBERS | STAFF),
    "volunteering:seminar_new": Route(STAFF, method=FORM),
    "volunteering:seminar": Route(STAFF, pk("seminar")),
    "volunteering:seminar_edit": Route(STAFF, pk("seminar"), method=FORM),
    # --- funder reporting (project leads of any sub-project, admins) ---------------------
    "reporting:dashboard": Route(LEAD),
    "reporting:figures_csv": Route(LEAD),
    "reporting:figures_xlsx": Route(LEAD),
    "reporting:reach": Route(LEAD),
    "reporting:pathway": Route(LEAD),
    "reporting:records": Route(LEAD, lambda w: {"key": "organisations_supported"}),
    "reporting:breakdowns": Route(LEAD, lambda w: {"key": "organisations_supported"}),
    "reporting:records_csv": Route(LEAD, lambda w: {"key": "organisations_supported"}),
    "reporting:periods": Route(LEAD),
    "reporting:period_new": Route(LEAD, method=FORM),
    "reporting:period_edit": Route(LEAD, pk("period"), method=FORM),
    "reporting:period_plan": Route(LEAD, pk("period"), method=FORM),
    "reporting:report_new": Route(LEAD, pk("period"), method=FORM),
    "reporting:reports": Route(LEAD),
    "reporting:report": Route(LEAD, pk("funder_report")),
    "reporting:report_csv": Route(LEAD, pk("funder_report")),
    "reporting:report_xlsx": Route(LEAD, pk("funder_report")),
    "reporting:report_records": Route(
        LEAD, lambda w: {"pk": w.funder_report.pk, "key": "organisations_supported"}
    ),
    "reporting:report_records_csv": Route(
        LEAD, lambda w: {"pk": w.funder_report.pk, "key": "organisations_supported"}
    ),
    # --- data protection (privacy/): portal admins handle other people's data --------------
    "privacy:policy": Route(EVERYONE),
    "privacy:accessibility": Route(EVERYONE),
    "privacy:my_data": Route(LOGGED_IN),
    "privacy:export_me": Route(LOGGED_IN, method=POST),
    "privacy:erasure_ask": Route(LOGGED_IN, method=POST),
    "privacy:consent_withdraw": Route(
        frozenset({"member_a", "admin"}), pk("consent_a"), method=POST
    ),
    "privacy:export_detail": Route(frozenset({"member_a", "admin"}), pk("data_export_a")),
    "privacy:export_download": Route(frozenset({"member_a", "admin"}), pk("data_export_a")),
    "privacy:export_organisation": Route(frozenset({"admin_a", "admin"}), org_a(), method=POST),
    "privacy:people": Route(frozenset({"admin"})),
    "privacy:person": Route(frozenset({"admin"}), lambda w: {"pk": w.users["member_a"].pk}),
    "privacy:export_person": Route(
        frozenset({"member_a", "admin"}), lambda w: {"pk": w.users["member_a"].pk}, method=POST
    ),
    "privacy:erase": Route(
        frozenset({"admin"}), lambda w: {"pk": w.users["member_a"].pk}, method=FORM
    ),
    "privacy:erasure_decline": Route(frozenset({"admin"}), pk("erasure_request_a"), method=POST),
    # --- e-mail texts (mailtexts/): project leads (their sub-project's and the registry's
    # mails; here a qualification mail) and portal admins; consultants and organisations never.
    "mailtexts:list": Route(LEAD),
    "mailtexts:edit": Route(LEAD, _mail_confirmed, method=FORM, post=_mail_preview),
    "mailtexts:reset": Route(LEAD, _mail_confirmed, method=POST),
    "mailtexts:restore": Route(
        LEAD, lambda w: {**_mail_confirmed(w), "entry": w.mailtext_change.pk}, method=POST
    ),
    # --- messages to many and notifications (messaging/); the persona "consultant" is
    # qualification's (the app has no sub-project), "other_consultant" mentoring's.
    "messaging:log": Route(CENTRE),
    "messaging:new": Route(CENTRE),
    "messaging:compose": Route(
        STAFF,
        lambda w: {"segment": "qualification.workshop"},
        method=FORM,
        notes="a workshop's people: its trainer and qualification's leads only",
    ),
    "messaging:detail": Route(STAFF, lambda w: {"uuid": w.bulk_message.uuid}),
    "messaging:notifications": Route(LOGGED_IN, method=FORM),
    "messaging:unsubscribe": Route(
        EVERYONE,
        lambda w: {"token": w.unsubscribe_token_a},
        method=FORM,
        notes="the newsletter link: signed token, works signed out, shows no data",
    ),
    "messaging:unsubscribe_one_click": Route(
        EVERYONE,
        lambda w: {"token": w.unsubscribe_token_a},
        method=FORM,
        notes="List-Unsubscribe (RFC 8058): only the one-click body of a mail program opts "
        "out; anything else is sent to the page that asks",
    ),
}
