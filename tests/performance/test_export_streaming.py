"""The big CSV export streams: rows are read in chunks while the response is sent.

bench/export_memory.py prints the memory figures at 10,000 and 100,000 rows; this checks the
mechanism that keeps them flat, on a few rows.
"""

import csv
import io
from unittest import mock

from django.db import connection
from django.db.models.query import QuerySet
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devtools.scale import Focus, Scale, generate
from reporting.exports import CHUNK
from reporting.models import FundingPeriod


def test_record_export_is_a_streaming_response_read_with_an_iterator(
    client_for, project_lead, org, org_admin
):
    generator = generate(Scale.small(5), focus=Focus(organisation=org, person=org_admin))
    year = generator.year
    period = FundingPeriod.objects.create(
        name="All of it", funder="other", start=f"{year - 2}-01-01", end=f"{year + 2}-12-31"
    )
    client = client_for(project_lead)
    url = reverse("reporting:records_csv", args=["coaching_sessions"]) + f"?period={period.pk}"

    with mock.patch.object(
        QuerySet, "iterator", autospec=True, side_effect=QuerySet.iterator
    ) as it:
        response = client.get(url)
        assert isinstance(response, StreamingHttpResponse)
        # Nothing is read before the body is consumed ...
        it.assert_not_called()
        with CaptureQueriesContext(connection) as queries:
            body = b"".join(response.streaming_content).decode("utf-8-sig")
    # ... and then the records come in chunks from one query, not as a list.
    it.assert_called_once()
    assert it.call_args.kwargs == {"chunk_size": CHUNK}
    assert len(queries) == 1
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == 1 + 5
