"""Every figure of a funder report stays traceable: its drill-down lists the records that
were counted when the figures were frozen, not today's."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models.signals import post_delete
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ikmo.audit import AuditEntry
from ikmo.subprojects import SubProject
from organisations.models import Membership, Organisation
from reporting import deletions, selectors, services
from reporting.deletions import _tracked, counted_models
from reporting.models import DeletedRecord, FrozenRecords, FunderReport
from tests import factories
from tests.reporting.conftest import berlin, log

pytestmark = pytest.mark.django_db


@pytest.fixture
def coached(stand_in, period):
    """Four organisations coached in 2025 (two of them in Mitte), three also in a tandem."""
    stand_in("coached", SubProject.QUALIFICATION)
    stand_in("tandems", SubProject.MENTORING)
    orgs = [
        factories.OrganisationFactory(
            name=f"Verein {i} e.V.",
            district=factories.district("Mitte" if i < 2 else "Neukölln"),
            kind=Organisation.Kind.REFUGEE_INITIATIVE
            if i == 3
            else Organisation.Kind.MIGRANT_ORGANISATION,
        )
        for i in range(4)
    ]
    records = [log("coached", org, berlin(2025, 1 + i, 10)) for i, org in enumerate(orgs)]
    for org in orgs[:3]:
        log("tandems", org, berlin(2025, 6, 1))
    return orgs, records


def freeze(period) -> FunderReport:
    report = FunderReport.objects.create(period=period, summary="–")
    return services.report_freeze(report_id=report.pk)


def coached_members(organisation, n: int) -> None:
    """n records of the "coached" stand-in for one organisation, an hour apart in 2025."""
    Membership.objects.bulk_create(
        Membership(
            user=factories.UserFactory(),
            organisation=organisation,
            message="coached",
            decided_at=berlin(2025, 1, 1) + timedelta(hours=i),
        )
        for i in range(n)
    )


def frozen_url(report, key, query=""):
    url = reverse("reporting:report_records", args=[report.pk, key])
    return f"{url}?{query}" if query else url


def frozen_csv_url(report, key, query=""):
    url = reverse("reporting:report_records_csv", args=[report.pk, key])
    return f"{url}?{query}" if query else url


def listed(response) -> list[str]:
    """The organisation names of the rows on the page (None for a deleted record)."""
    return [row["cells"][0] if not row.get("missing") else None for row in response.context["rows"]]


def csv_rows(response) -> list[list[str]]:
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


class TestFreezing:
    def test_freezing_stores_the_ids_behind_each_figure_in_the_drill_down_order(
        self, coached, period
    ):
        _orgs, records = coached
        report = freeze(period)
        frozen = report.frozen_records.get(indicator_key="coached", share="")
        # Latest first, as the drill-down lists them.
        assert frozen.ids == [r.pk for r in reversed(records)]
        row = next(r for r in report.snapshot["indicators"] if r["key"] == "coached")
        assert len(frozen.ids) == row["actual"] == 4
        keys = {r["key"] for r in report.snapshot["indicators"]}
        assert {f.indicator_key for f in report.frozen_records.all()} == keys

    def test_a_cross_project_figure_keeps_each_sub_projects_share(self, coached, period):
        orgs, _records = coached
        report = freeze(period)
        shares = dict(
            report.frozen_records.filter(indicator_key="organisations_supported").values_list(
                "share", "ids"
            )
        )
        assert set(shares) == {"", *SubProject.values}
        # Organisations are listed by name.
        assert shares[""] == [o.pk for o in orgs]
        assert shares[SubProject.MENTORING] == [o.pk for o in orgs[:3]]
        assert shares[SubProject.ACTIONFUND] == []

    def test_records_are_stored_only_with_the_snapshot(self, coached, period):
        report = freeze(period)
        count = FrozenRecords.objects.count()
        assert services.report_freeze(report_id=report.pk).frozen_records.count() == count
        # Another run stored the figures first: this one stores nothing of its own.
        other = FunderReport.objects.create(period=period, snapshot={"indicators": []})
        services.report_freeze(report_id=other.pk)
        assert not other.frozen_records.exists()

    def test_storing_the_records_costs_one_query_per_figure(
        self, coached, period, django_assert_max_num_queries
    ):
        report = FunderReport.objects.create(period=period, summary="–")
        snapshot = services.compute_figures(period)
        shares = len(SubProject.values)
        figures = sum(
            1 + (shares if services.get_indicator(r["key"]).is_cross_project else 0)
            for r in snapshot["indicators"]
        )
        with django_assert_max_num_queries(figures):
            found = services.frozen_record_ids(report.period, snapshot)
        assert len(found) == figures


class TestFrozenDrillDown:
    def test_the_report_page_links_its_figures_to_the_frozen_records(
        self, coached, period, project_lead, client_for
    ):
        report = freeze(period)
        client = client_for(project_lead)
        page = client.get(reverse("reporting:report", args=[report.pk])).content.decode()
        assert frozen_url(report, "coached") in page
        assert reverse("reporting:records", args=["coached"]) not in page
        # Without a frozen report (the dashboard), the same table opens today's records.
        table = render_to_string(
            "reporting/_figures_table.html",
            {"rows": report.snapshot["indicators"], "query": f"period={period.pk}"},
        )
        assert reverse("reporting:records", args=["coached"]) + f"?period={period.pk}" in table
        assert "/reports/" not in table

    def test_a_record_added_after_the_freeze_is_only_in_the_live_list(
        self, coached, period, project_lead, client_for
    ):
        report = freeze(period)
        log("coached", factories.OrganisationFactory(name="Nachzügler e.V."), berlin(2025, 11, 1))
        client = client_for(project_lead)
        response = client.get(frozen_url(report, "coached"))
        assert response.status_code == 200
        assert "Nachzügler e.V." not in listed(response)
        assert response.context["counted"] == 4 and response.context["missing"] == 0
        assert response.context["frozen_value"] == 4
        live = client.get(reverse("reporting:records", args=["coached"]) + f"?period={period.pk}")
        assert "Nachzügler e.V." in live.content.decode()

    def test_a_record_deleted_after_the_freeze_is_counted_as_missing(
        self, coached, period, project_lead, client_for
    ):
        _orgs, records = coached
        report = freeze(period)
        records[1].delete()  # e.g. erased on request
        response = client_for(project_lead).get(frozen_url(report, "coached"))
        assert response.context["counted"] == 4
        assert response.context["missing"] == 1
        # It keeps its place in the list, marked as gone.
        assert listed(response) == ["Verein 3 e.V.", "Verein 2 e.V.", None, "Verein 0 e.V."]

    def test_deletions_are_read_from_the_log_not_by_looking_up_every_frozen_id(
        self, coached, period, project_lead, client_for, monkeypatch
    ):
        from reporting import selectors

        orgs, records = coached
        report = freeze(period)
        frozen = report.frozen_records.get(indicator_key="coached", share="")
        assert (frozen.count, frozen.missing) == (4, 0)
        later = log("coached", orgs[0], berlin(2025, 12, 1))  # not frozen
        gone = sorted([records[1].pk, later.pk])
        records[1].delete()
        later.delete()
        with pytest.raises(RuntimeError), transaction.atomic():
            records[2].delete()
            raise RuntimeError("rolled back: no deletion, nothing logged")
        logged = DeletedRecord.objects.filter(model="organisations.Membership")
        assert sorted(logged.values_list("record_id", flat=True)) == gone

        def every_id(*args):
            raise AssertionError("looked up every frozen id")

        monkeypatch.setattr(selectors, "_frozen_ids_sql", every_id)
        client = client_for(project_lead)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(frozen_url(report, "coached"))
        assert response.context["missing"] == 1
        assert listed(response) == ["Verein 3 e.V.", "Verein 2 e.V.", None, "Verein 0 e.V."]
        # The ids are read a page at a time, never as the whole stored list.
        assert not any('"reporting_frozenrecords"."ids"' in q["sql"] for q in queries)

        # Older entries are folded into the stored number: later looks read only newer ones.
        # (No deleting transaction is open any more: fold up to now.)
        monkeypatch.setattr(deletions, "HORIZON", timedelta(0))
        assert client.get(frozen_url(report, "coached")).context["missing"] == 1
        frozen.refresh_from_db()
        assert frozen.missing == 1 and frozen.missing_checked_at > report.snapshot_taken_at
        logged.delete()  # folded: the log is no longer needed for them
        assert client.get(frozen_url(report, "coached")).context["missing"] == 1
        records[3].delete()
        assert client.get(frozen_url(report, "coached")).context["missing"] == 2

    def test_a_figure_frozen_before_deletions_were_logged_is_checked_once(
        self, coached, period, project_lead, client_for, monkeypatch
    ):
        from reporting import selectors

        _orgs, records = coached
        report = freeze(period)
        records[1].delete()
        DeletedRecord.objects.all().delete()  # as before the log was kept
        report.frozen_records.update(missing=None, missing_checked_at=None)
        client = client_for(project_lead)
        assert client.get(frozen_url(report, "coached")).context["missing"] == 1
        frozen = report.frozen_records.get(indicator_key="coached", share="")
        assert frozen.missing == 1 and frozen.missing_checked_at is not None

        def every_id(*args):
            raise AssertionError("looked up every frozen id again")

        monkeypatch.setattr(selectors, "_frozen_ids_sql", every_id)
        records[2].delete()
        assert client.get(frozen_url(report, "coached")).context["missing"] == 2

    def test_the_daily_job_folds_the_log_and_keeps_only_what_a_figure_still_needs(
        self, coached, period, project_lead, client_for
    ):
        from django.utils import timezone

        from reporting.tasks import prune_deletion_log

        _orgs, records = coached
        report = freeze(period)
        records[0].delete()
        records[1].delete()
        now = timezone.now()
        # Nothing is older than a day yet: folded into the figure, but kept.
        assert deletions.fold_and_prune(now=now + deletions.HORIZON) == 0
        frozen = report.frozen_records.get(indicator_key="coached", share="")
        assert frozen.missing == 2
        assert DeletedRecord.objects.count() == 2

        # A day later both are folded into every figure, so they go; a deletion of the last
        # minutes stays (the figure has not folded it yet) and is still counted.
        DeletedRecord.objects.update(deleted_at=now - timedelta(days=2))
        report.frozen_records.update(missing=0, missing_checked_at=now - timedelta(days=3))
        recent = records[2].pk
        records[2].delete()
        assert prune_deletion_log.apply().get() == 2
        assert list(DeletedRecord.objects.values_list("record_id", flat=True)) == [recent]
        frozen.refresh_from_db()
        assert frozen.missing == 2
        response = client_for(project_lead).get(frozen_url(report, "coached"))
        assert response.context["missing"] == 3

    def test_the_daily_job_keeps_the_log_for_a_figure_not_yet_checked(self, coached, period):
        from django.utils import timezone

        _orgs, records = coached
        report = freeze(period)
        records[1].delete()
        report.frozen_records.update(missing=None, missing_checked_at=None)
        DeletedRecord.objects.update(deleted_at=timezone.now() - timedelta(days=2))
        # The job checks such a figure in full once, then the log it needed can go.
        assert deletions.fold_and_prune() == 1
        frozen = report.frozen_records.get(indicator_key="coached", share="")
        assert frozen.missing == 1

    def test_the_migration_stores_how_many_ids_each_figure_froze(self, coached, period):
        from importlib import import_module

        from django.apps import apps

        report = freeze(period)
        report.frozen_records.update(count=0)
        migration = import_module("reporting.migrations.0007_deletion_log")
        migration.count_frozen_ids(apps, None)
        assert {f.count for f in report.frozen_records.filter(indicator_key="coached")} == {4}

    def test_the_frozen_ids_are_read_as_a_list(self, coached, period):
        report = freeze(period)
        frozen = report.frozen_records.defer("ids").get(indicator_key="coached", share="")
        ids = report.frozen_records.get(pk=frozen.pk).ids
        paged = selectors.FrozenIds(frozen)
        assert len(paged) == 4 and list(paged) == ids
        assert (paged[0], paged[-1], paged[1:3], paged[3:9], paged[4:]) == (
            ids[0], ids[-1], ids[1:3], ids[3:], []
        )  # fmt: skip
        with pytest.raises(IndexError):
            paged[4]

    def test_a_record_moved_out_of_the_period_since_is_still_listed(
        self, coached, period, project_lead, client_for
    ):
        _orgs, records = coached
        report = freeze(period)
        Membership.objects.filter(pk=records[0].pk).update(decided_at=berlin(2024, 5, 1))
        client = client_for(project_lead)
        assert "Verein 0 e.V." in listed(client.get(frozen_url(report, "coached")))
        live = client.get(reverse("reporting:records", args=["coached"]) + f"?period={period.pk}")
        assert "Verein 0 e.V." not in live.content.decode()

    def test_a_changed_record_shows_its_values_of_today(
        self, coached, period, project_lead, client_for
    ):
        orgs, _records = coached
        report = freeze(period)
        Organisation.objects.filter(pk=orgs[2].pk).update(name="Umbenannt e.V.")
        response = client_for(project_lead).get(frozen_url(report, "coached"))
        assert "Umbenannt e.V." in listed(response)

    def test_district_kind_and_share_filters_apply_to_the_frozen_records(
        self, coached, period, project_lead, client_for
    ):
        orgs, _records = coached
        report = freeze(period)
        mitte = factories.district("Mitte")
        client = client_for(project_lead)
        response = client.get(frozen_url(report, "coached", f"district={mitte.pk}"))
        assert listed(response) == ["Verein 1 e.V.", "Verein 0 e.V."]
        assert response.context["filtered"] and response.context["counted"] == 4
        # The frozen figure of that breakdown cell.
        assert response.context["frozen_value"] == 2
        response = client.get(frozen_url(report, "coached", "kind=refugee_initiative"))
        assert listed(response) == ["Verein 3 e.V."]
        # Today's district counts: an organisation that moved is listed where it is now.
        Organisation.objects.filter(pk=orgs[2].pk).update(district=mitte)
        response = client.get(frozen_url(report, "coached", f"district={mitte.pk}"))
        assert listed(response) == ["Verein 2 e.V.", "Verein 1 e.V.", "Verein 0 e.V."]
        response = client.get(frozen_url(report, "coached", "district=none"))
        assert listed(response) == []
        # A cross-project figure's share of one sub-project.
        response = client.get(frozen_url(report, "organisations_supported", "share=mentoring"))
        assert listed(response) == ["Verein 0 e.V.", "Verein 1 e.V.", "Verein 2 e.V."]
        assert response.context["frozen_value"] == 3 and response.context["counted"] == 3

    def test_the_list_is_paged_with_the_same_queries_on_every_page(
        self, stand_in, period, project_lead, client_for
    ):
        stand_in("coached", SubProject.QUALIFICATION)
        coached_members(factories.OrganisationFactory(name="Großer Verein e.V."), 120)
        report = freeze(period)
        ids = report.frozen_records.get(indicator_key="coached").ids
        client = client_for(project_lead)
        client.get(frozen_url(report, "coached"))  # warms per-process caches
        counts = []
        for number in (1, 2, 3):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(frozen_url(report, "coached", f"page={number}"))
            counts.append(len(queries))
            assert response.context["page_obj"].paginator.num_pages == 3
        assert len(set(counts)) == 1, counts
        assert len(response.context["rows"]) == 20
        page_two = client.get(frozen_url(report, "coached", "page=2"))
        assert len(page_two.context["rows"]) == 50
        assert list(page_two.context["page_obj"].object_list) == ids[50:100]

    @pytest.mark.parametrize("query", ["", "kind=mo"])
    def test_the_queries_do_not_grow_with_the_records_frozen(
        self, stand_in, period, project_lead, client_for, monkeypatch, query
    ):
        # The existence check and the filter read the frozen ids in the database: as many
        # queries for 200 records as for 60 (a full page each), however small the chunks of
        # ids sent from here.
        from reporting import selectors

        chunks = selectors.id_chunks
        monkeypatch.setattr(selectors, "id_chunks", lambda ids, size=2: chunks(ids, 2))
        stand_in("coached", SubProject.QUALIFICATION)
        client = client_for(project_lead)
        counts = []
        for n in (60, 200):
            coached_members(factories.OrganisationFactory(name=f"Verein mit {n} e.V."), n)
            report = freeze(period)
            frozen = report.frozen_records.get(indicator_key="coached")
            Membership.objects.filter(pk=frozen.ids[-1]).delete()
            client.get(frozen_url(report, "coached", query))  # warms per-process caches
            with CaptureQueriesContext(connection) as queries:
                response = client.get(frozen_url(report, "coached", query))
            counts.append(len(queries))
            assert response.context["counted"] == len(frozen.ids)
            assert response.context["missing"] == 1
            assert response.context["page_obj"].paginator.count == (
                len(frozen.ids) - 1 if query else len(frozen.ids)
            )
        assert counts[0] == counts[1], counts

    def test_a_report_frozen_before_the_records_were_kept_links_to_todays_records(
        self, coached, period, project_lead, client_for
    ):
        report = freeze(period)
        report.frozen_records.all().delete()
        response = client_for(project_lead).get(frozen_url(report, "coached"))
        assert response.status_code == 200
        assert response.context["no_frozen_records"]
        live = reverse("reporting:records", args=["coached"]) + f"?period={period.pk}"
        assert live in response.content.decode()
        csv_response = client_for(project_lead).get(frozen_csv_url(report, "coached"))
        assert csv_response.status_code == 404

    def test_unknown_figures_and_reports_are_not_found(
        self, coached, period, project_lead, client_for, extra_indicator
    ):
        report = freeze(period)
        client = client_for(project_lead)
        assert client.get(frozen_url(report, "no_such_indicator")).status_code == 404
        # An indicator registered after the freeze is not one of the report's figures.
        extra_indicator(key="later", label="later", records=lambda p: Membership.objects.none())
        assert client.get(frozen_url(report, "later")).status_code == 404
        assert client.get(frozen_csv_url(report, "later")).status_code == 404
        missing = FunderReport(pk=report.pk + 1000)
        assert client.get(frozen_url(missing, "coached")).status_code == 404
        unfrozen = FunderReport.objects.create(period=period, summary="–")
        assert client.get(frozen_url(unfrozen, "coached")).status_code == 404

    def test_only_who_may_see_the_report_sees_its_records(
        self, coached, period, consultant, org_admin, client, client_for
    ):
        report = freeze(period)
        for url in (frozen_url(report, "coached"), frozen_csv_url(report, "coached")):
            response = client.get(url)
            assert response.status_code == 302 and "login" in response["Location"]
            assert client_for(consultant).get(url).status_code == 403
            assert client_for(org_admin).get(url).status_code == 403
            client.logout()

    @pytest.mark.parametrize(
        "query",
        [
            "page=x",
            "page=-1",
            "page=99999999999999999999",
            "district=x",
            "district=99999999999999999999",
            "kind=nope",
            "share=nope",
            "district=%00",
            "share=mentoring&kind=mo&district=none&page=2",
        ],
    )
    def test_junk_parameters_never_give_a_server_error(
        self, coached, period, project_lead, client_for, query
    ):
        report = freeze(period)
        client = client_for(project_lead)
        for url in (frozen_url(report, "coached", query), frozen_csv_url(report, "coached", query)):
            assert client.get(url).status_code in (200, 404)


class TestFrozenExport:
    def test_the_csv_holds_the_frozen_records_in_order_and_is_logged(
        self, coached, period, project_lead, client_for
    ):
        orgs, records = coached
        report = freeze(period)
        records[1].delete()
        log("coached", factories.OrganisationFactory(name="Nachzügler e.V."), berlin(2025, 11, 1))
        response = client_for(project_lead).get(frozen_csv_url(report, "coached"))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        rows = csv_rows(response)
        assert [r[0] for r in rows[1:]] == ["Verein 3 e.V.", "Verein 2 e.V.", "Verein 0 e.V."]
        entry = AuditEntry.objects.get(action="reporting.records.exported")
        assert entry.actor == project_lead
        assert entry.changes == {"indicator": "coached", "period": str(period), "report": report.pk}

    def test_the_csv_respects_the_filters(self, coached, period, project_lead, client_for):
        report = freeze(period)
        mitte = factories.district("Mitte")
        response = client_for(project_lead).get(
            frozen_csv_url(report, "coached", f"district={mitte.pk}")
        )
        assert [r[0] for r in csv_rows(response)[1:]] == ["Verein 1 e.V.", "Verein 0 e.V."]
        entry = AuditEntry.objects.get(action="reporting.records.exported")
        assert entry.changes["district"] == str(mitte.pk) and entry.changes["report"] == report.pk

    def test_the_csv_asks_to_confirm_the_password_first(
        self, coached, period, project_lead, client, settings
    ):
        settings.IKMO_REAUTHENTICATION_REQUIRED = True
        report = freeze(period)
        client.force_login(project_lead)
        response = client.get(frozen_csv_url(report, "coached"))
        assert response.status_code == 302 and "reauthenticate" in response["Location"]
        assert not AuditEntry.objects.filter(action="reporting.records.exported").exists()
        # The list itself, like the live drill-down, needs no confirmation.
        assert client.get(frozen_url(report, "coached")).status_code == 200


def test_the_pdf_gets_the_full_address_of_each_frozen_figure(coached, period, settings):
    settings.IKMO_SITE_URL = "https://portal.ikmo.example/"
    report = freeze(period)
    rendered = Template("{% load reporting %}{% frozen_records_url report 'coached' %}").render(
        Context({"report": report})
    )
    assert (
        rendered == f"https://portal.ikmo.example/reporting/reports/{report.pk}/indicators/coached/"
    )


def _link_targets(data: bytes) -> list[str]:
    """The addresses of every link in a PDF (its URI annotations), in page order."""
    import pikepdf

    targets = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                action = annotation.get("/A")
                if action is not None and action.get("/URI") is not None:
                    targets.append(str(action["/URI"]))
    return targets


def test_every_figure_in_the_pdf_links_to_its_frozen_records(
    coached, period, project_lead, client_for, settings, django_capture_on_commit_callbacks
):
    from tests.reporting.test_reports import generate

    settings.IKMO_SITE_URL = "https://portal.example"
    report = generate(period, project_lead, django_capture_on_commit_callbacks)
    targets = _link_targets(report.document.file.read())
    prefix = f"https://portal.example/reporting/reports/{report.pk}/indicators/"
    figures = [t for t in targets if t.startswith(prefix)]
    # The plan-vs-actual value of each stand-in, and each breakdown cell in the annex.
    assert f"{prefix}coached/" in figures
    mitte = factories.district("Mitte").pk
    assert f"{prefix}coached/?district={mitte}" in figures
    assert f"{prefix}coached/?kind=refugee_initiative" in figures
    # Each opens the records counted when the figures were frozen, for the project lead.
    client = client_for(project_lead)
    for target in {f"{prefix}coached/", f"{prefix}coached/?district={mitte}"}:
        response = client.get(target.removeprefix("https://portal.example"))
        assert response.status_code == 200
    cell = client.get(f"/reporting/reports/{report.pk}/indicators/coached/?district={mitte}")
    assert len(cell.context["rows"]) == 2


def test_every_model_the_figures_count_has_its_deletions_logged(stand_in):
    from organisations.models import Membership
    from reporting.registry import unregister_indicator

    models = counted_models()
    assert len(models) >= 15  # every sub-project's records
    for model in models:
        assert post_delete.has_listeners(model), model
    # A stand-in's records are logged while it is registered, and only then.
    assert Membership not in models
    stand_in("coached", SubProject.QUALIFICATION)
    assert Membership in _tracked and post_delete.has_listeners(Membership)
    unregister_indicator("coached")
    assert Membership not in _tracked and not post_delete.has_listeners(Membership)
