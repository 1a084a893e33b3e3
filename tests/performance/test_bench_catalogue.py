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
