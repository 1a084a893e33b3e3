"""iCalendar (RFC 5545) file of one network event, on the same helpers as the workshops'."""

from datetime import UTC

from django.utils import timezone

from qualification.ics import VTIMEZONE, escape_text, fold

from .models import Event


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y%m%dT%H%M%S")


def _utc(dt) -> str:
    return dt.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event_calendar(event: Event, *, url: str, domain: str) -> str:
    """One VEVENT with a stable UID: calendar apps update it in place when the event moves."""
    ends_at = event.ends_at or event.starts_at
    description = f"{event.description}\n\n{url}".strip()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//IKMO Portal//Mentoring//DE",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *VTIMEZONE,
        "BEGIN:VEVENT",
        f"UID:mentoring-event-{event.pk}@{domain}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART;TZID=Europe/Berlin:{_local(event.starts_at)}",
        f"DTEND;TZID=Europe/Berlin:{_local(ends_at)}",
        f"SUMMARY:{escape_text(event.title)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"LOCATION:{escape_text(event.place)}",
        f"URL:{url}",
        f"LAST-MODIFIED:{_utc(event.updated_at)}",
        "STATUS:CANCELLED" if event.status == Event.Status.CANCELLED else "STATUS:CONFIRMED",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)
