"""Figures of the volunteer service desk for funder reporting, computed from what was logged.

``volunteering_indicators(start=..., end=...)`` counts, for a period (both dates inclusive):
- organisations_advised: distinct organisations with at least one consultation in the period;
- sites_recognised: organisations whose recognition date as a placement site (or carrier)
  lies in the period;
- placements: placements running at some time in the period (not cancelled before the start);
- volunteers: distinct volunteers in those placements;
- volunteers_with_migration_background: among them, those who consented to record it and
  have one. Anonymised volunteers still count: erasure keeps the flag without the person.

The ``*_records`` functions return the querysets behind each figure, for drill-down lists
and exports (reporting/ wires them into its registry).
"""

from datetime import date

from django.db.models import Q

from organisations.models import Organisation

from .models import Consultation, Placement, PlacementStatus, ServiceProfile, SiteStatus, Volunteer


def advised_records(*, start: date, end: date):
    return Consultation.objects.filter(held_on__gte=start, held_on__lte=end)


def organisations_advised(*, start: date, end: date):
    return Organisation.objects.filter(
        pk__in=advised_records(start=start, end=end).values("organisation_id")
    )


def sites_recognised_records(*, start: date, end: date):
    # A site that later became a carrier keeps its recognition date and still counts.
    return ServiceProfile.objects.filter(
        status__in=[SiteStatus.RECOGNISED, SiteStatus.CARRIER],
        recognised_on__gte=start,
        recognised_on__lte=end,
    )


def placement_records(*, start: date, end: date):
    """Placements overlapping the period: started by its end, not ended before its start."""
    return (
        Placement.objects.exclude(status=PlacementStatus.CANCELLED)
        .filter(start_date__lte=end)
        .filter(
            Q(ended_on__isnull=True, end_date__gte=start)
            | Q(ended_on__isnull=False, ended_on__gte=start)
        )
    )


def volunteer_records(*, start: date, end: date):
    return Volunteer.objects.filter(
        pk__in=placement_records(start=start, end=end).values("volunteer_id")
    )


def volunteers_with_migration_background(*, start: date, end: date):
    return volunteer_records(start=start, end=end).filter(
        migration_background_consent=True, migration_background=True
    )


def volunteering_indicators(*, start: date, end: date) -> dict:
    return {
        "organisations_advised": organisations_advised(start=start, end=end).count(),
        "sites_recognised": sites_recognised_records(start=start, end=end).count(),
        "placements": placement_records(start=start, end=end).count(),
        "volunteers": volunteer_records(start=start, end=end).count(),
        "volunteers_with_migration_background": volunteers_with_migration_background(
            start=start, end=end
        ).count(),
    }
