"""The load benchmark measures every page: its catalogue (bench/benchsite/pages.py) finds or
makes an object for every page of tests/performance/test_query_counts.py, and each page
answers its persona with 200, on data from the same generator the benchmark seeds.

A page the bench could not open would drop out of the benchmark's table unnoticed (it did:
30 pages were skipped, 9 more answered 404, before the catalogue had objects for them).
"""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from bench.benchsite import pages


@pytest.mark.django_db
def test_every_page_of_the_bench_answers_its_persona():
    call_command("seed_scale", "--factor", "0.01", "--i-know-this-is-not-production")
    users, sessions = pages.personas()
    catalogue = pages.catalogue(users)
    skipped = {entry["page"] for entry in catalogue if "skipped" in entry}
    assert skipped == {"privacy:erase"}, skipped
    clients = {}
    for who, key in sessions.items():
        clients[who] = Client(HTTP_ACCEPT_LANGUAGE="de")
        clients[who].cookies[settings.SESSION_COOKIE_NAME] = key
    clients["anonymous"] = Client(HTTP_ACCEPT_LANGUAGE="de")
    answers = {}
    for entry in catalogue:
        if "skipped" in entry or entry["path"].startswith("/bench/"):
            continue  # the yardstick view is in the bench's own URLs only
        answers[(entry["page"], entry["persona"])] = (
            clients[entry["persona"]].get(entry["path"]).status_code
        )
    assert len(answers) > 150
    assert {page: status for page, status in answers.items() if status != 200} == {}


def _page(*sql):
    from collections import Counter

    return {"queries": len(sql), "shapes": Counter(pages.query_shape(q) for q in sql)}


def test_the_growth_verdict_tells_an_n_plus_1_from_another_branch():
    from bench.load_pages import query_growth

    one = 'SELECT "x"."id" FROM "actionfund_payment" WHERE "x"."application_id" = 46'
    other = 'SELECT "x"."id" FROM "actionfund_payment" WHERE "x"."application_id" = 2001'
    listed = "SELECT 1 FROM \"organisations_organisation\" WHERE id IN (1, 2, 3) AND name = 'a'"
    longer = "SELECT 1 FROM \"organisations_organisation\" WHERE id IN (4, 5) AND name = 'b''c'"
    budget = 'SELECT SUM("amount") FROM "actionfund_budgetline" WHERE "application_id" = 7'
    # A choice field's server-side cursor is named after the thread and a counter.
    topics = 'DECLARE "_django_curs_1396_sync_5" NO SCROLL CURSOR FOR SELECT * FROM "topic"'
    topics_again = 'DECLARE "_django_curs_1403_sync_6" NO SCROLL CURSOR FOR SELECT * FROM "topic"'
    # The same queries for other objects and other numbers of ids: no difference at all.
    assert query_growth(_page(one, listed, topics), _page(other, longer, topics_again)) == (
        None,
        None,
    )
    # One query per row: the same shape runs more often with more rows.
    missed, note = query_growth(_page(one), _page(one, other, other))
    assert missed == "queries grow with rows: actionfund_payment 1→3" and note is None
    # Another object in another state: different queries, each once, noted but not missed.
    missed, note = query_growth(_page(one, budget), _page(other, listed))
    assert missed is None
    assert note == (
        "another branch for another object, each query once: more at the smaller factor: "
        "actionfund_budgetline; at the larger: organisations_organisation"
    )
    # An older run's figures without shapes: only the counts can be compared.
    assert query_growth({"queries": 3}, {"queries": 4}) == ("query count changed", None)
