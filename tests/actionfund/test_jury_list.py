"""The juror's list: paged, filtered by call and by what is still to score."""

from datetime import timedelta

from django.urls import reverse

from actionfund import services
from actionfund.views import JURY_PER_PAGE
from tests import factories

from .factories import CallFactory, CriterionFactory, in_review


def _assigned(n, call, lead, juror, title="Projekt"):
    made = []
    for i in range(n):
        organisation = factories.OrganisationFactory()
        admin = factories.member_of(organisation, role="admin")
        application = in_review(
            organisation=organisation, by=admin, lead=lead, call=call, title=f"{title} {i}"
        )
        services.jury_assign(application=application, jurors=[juror], by=lead)
        made.append(application)
    return made


def test_the_list_is_paged(client_for, call, fund_lead, jury_member):
    _assigned(JURY_PER_PAGE + 2, call, fund_lead, jury_member)
    client = client_for(jury_member)
    first = client.get(reverse("actionfund:jury_list")).content.decode()
    assert first.count('class="list-group-item"') == JURY_PER_PAGE
    assert f"{JURY_PER_PAGE + 2} Anträge" in first
    second = client.get(reverse("actionfund:jury_list") + "?page=2").content.decode()
    assert second.count('class="list-group-item"') == 2


def test_still_to_score_and_fully_scored(client_for, call, fund_lead, jury_member):
    done, todo = _assigned(2, call, fund_lead, jury_member)
    services.scores_save(
        application=done,
        juror=jury_member,
        values={c.pk: (4, "") for c in call.criteria.all()},
    )
    client = client_for(jury_member)
    url = reverse("actionfund:jury_list")
    to_score = client.get(url + "?state=todo").content.decode()
    assert todo.title in to_score and done.title not in to_score
    scored = client.get(url + "?state=scored").content.decode()
    assert done.title in scored and todo.title not in scored
    assert "2 von 2 Kriterien bewertet" in scored


def test_search_and_bad_filter_values_never_fail(client_for, call, fund_lead, jury_member):
    _assigned(1, call, fund_lead, jury_member, title="Nachbarschaftsfest")
    _assigned(1, call, fund_lead, jury_member, title="Sprachcafé")
    client = client_for(jury_member)
    url = reverse("actionfund:jury_list")
    page = client.get(url + "?q=nachbar").content.decode()
    assert "Nachbarschaftsfest" in page and "Sprachcafé" not in page
    for query in ("?call=999999", "?state=nonsense", "?page=abc", "?call=x&state=todo"):
        assert client.get(url + query).status_code == 200


def test_the_newest_call_comes_first(client_for, call, fund_lead, jury_member):
    """A juror of several years sees this year's applications on the first page, not last
    year's: the list goes from the newest call to the oldest, as the call filter does."""
    later = CallFactory(year=call.year + 1, closes_at=call.closes_at + timedelta(days=365))
    CriterionFactory(call=later, title="Wirkung", weight="1.00", position=1)
    _assigned(JURY_PER_PAGE, call, fund_lead, jury_member, title="Vorjahr")
    _assigned(1, later, fund_lead, jury_member, title="Aktuell")
    client = client_for(jury_member)
    first = client.get(reverse("actionfund:jury_list")).content.decode()
    assert "Aktuell 0" in first
    assert first.index("Aktuell 0") < first.index("Vorjahr 0")
    last = client.get(reverse("actionfund:jury_list") + "?page=2").content.decode()
    assert "Aktuell 0" not in last and "Vorjahr" in last


def test_a_page_is_found_and_counted_in_one_query_and_reads_no_drafts(
    client_for, call, fund_lead, jury_member
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _assigned(JURY_PER_PAGE + 2, call, fund_lead, jury_member)
    client = client_for(jury_member)
    url = reverse("actionfund:jury_list")
    client.get(url)  # warms per-process caches
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url + "?page=2&state=todo").content.decode()
    assert second.count('class="list-group-item"') == 2
    assert f"{JURY_PER_PAGE + 2} Anträge" in second
    application_reads = [
        q["sql"] for q in queries if q["sql"].startswith('SELECT "actionfund_application"')
    ]
    # The page's ids with the count of all, then the page's rows (the draft left out).
    assert len(application_reads) == 2, application_reads
    assert "COUNT(*) OVER ()" in application_reads[0]
    assert not any("draft_data" in sql for sql in application_reads)
