"""A search's total is counted up to a cap ("more than 1,000"): the exact count read every
match, so a one-letter search's page grew with the registry (ikmo.viewtools.CappedPaginator).
The cap is lowered here to a few rows; the page size stays as it is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ikmo.viewtools import CappedPaginator
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_cap(monkeypatch):
    monkeypatch.setattr(CappedPaginator, "CAP", 3)


def test_a_search_past_the_cap_says_more_than_and_offers_the_next_page(client_for, project_lead):
    factories.approved_organisations(30, name="Suchverein")
    client = client_for(project_lead)
    url = reverse("organisations:directory")
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url, {"q": "such"}, HTTP_ACCEPT_LANGUAGE="en")
    page = first.context["page"]
    # 25 rows on the page and one past it counted (the cap, 3, is below the page's end).
    assert len(page.object_list) == 25 and page.paginator.more
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "LIMIT 26" in counts[0], counts
    html = first.content.decode()
    assert "More than 25 organisations" in html
    assert "Page 1" in html and "Page 1 of" not in html
    assert "page=2" in html  # the next page

    second = client.get(url, {"q": "such", "page": 2}, HTTP_ACCEPT_LANGUAGE="de")
    page = second.context["page"]
    # Asked for page 2, the count reaches its end: all 30, exactly.
    assert not page.paginator.more and page.paginator.count == 30
    assert [o.name for o in page.object_list] == [f"Suchverein {n:02}" for n in range(25, 30)]
    html = second.content.decode()
    assert "30 Organisationen" in html and "Seite 2 von 2" in html and "Mehr als" not in html


def test_a_search_below_the_cap_and_the_plain_list_count_exactly(client_for, project_lead):
    factories.approved_organisations(30, name="Suchverein")
    client = client_for(project_lead)
    url = reverse("organisations:directory")
    narrow = client.get(url, {"q": "Suchverein 1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert narrow.context["page"].paginator.count == 10  # 10 to 19
    assert "10 organisations" in narrow.content.decode()
    # No search: every organisation counted, as before.
    whole = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert whole.context["page"].paginator.count == 30
    assert "30 organisations" in whole.content.decode()
    assert "Page 1 of 2" in whole.content.decode()


@pytest.mark.parametrize("number", ["x", "0", "-3", "999999999999", ""])
def test_a_bad_page_number_gives_a_page_not_an_error(client_for, project_lead, number):
    factories.approved_organisations(30, name="Suchverein")
    response = client_for(project_lead).get(
        reverse("organisations:directory"), {"q": "such", "page": number}
    )
    assert response.status_code == 200
    assert response.context["page"].object_list


@pytest.mark.parametrize(
    "language, text",
    [("de", "Mehr als 25 Organisationen"), ("ar", "أكثر من 25 منظمة"),
     ("tr", "25 kuruluştan fazla")],
)  # fmt: skip
def test_more_than_is_said_in_each_language(client_for, project_lead, language, text):
    factories.approved_organisations(30, name="Suchverein")
    html = (
        client_for(project_lead)
        .get(reverse("organisations:directory"), {"q": "such"}, HTTP_ACCEPT_LANGUAGE=language)
        .content.decode()
    )
    assert text in html


def test_the_public_directory_caps_a_search_too(client):
    for organisation in factories.approved_organisations(22, name="Offener Verein"):
        factories.listed(organisation)
    url = reverse("organisations:public_directory")
    found = client.get(url, {"q": "offener"}, HTTP_ACCEPT_LANGUAGE="en")
    page = found.context["page"]
    assert len(page.object_list) == 20 and page.paginator.more
    assert "More than 20 organisations" in found.content.decode()
    rest = client.get(url, {"q": "offener", "page": 2}, HTTP_ACCEPT_LANGUAGE="en")
    assert rest.context["page"].paginator.count == 22
    assert len(rest.context["page"].object_list) == 2
    # The whole directory, unsearched, is counted exactly.
    whole = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert whole.context["page"].paginator.count == 22
