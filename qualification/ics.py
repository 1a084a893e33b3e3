"""iCalendar (RFC 5545) export of workshops, written with the standard library.

Each workshop date becomes one VEVENT with a stable UID, so calendar apps update events in
place when a workshop changes. Times are local Berlin times with a VTIMEZONE definition.
"""

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

BERLIN = ZoneInfo("Europe/Berlin")
PRODID = "-//IKMO Portal//Qualification//DE"

# Central European time with the EU daylight-saving rules (last Sunday of March/October).
VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Berlin",
    "X-LIC-LOCATION:Europe/Berlin",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape_text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and line breaks (RFC 5545 3.3.11)."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, never splitting a character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current, size = [], "", 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
            limit = 74  # continuation lines start with a space
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _local(dt: datetime) -> str:
    return dt.astimezone(BERLIN).strftime("%Y%m%dT%H%M%S")


def _utc(dt: datetime) -> str:
    return dt.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")


def workshop_events(
    workshop, *, url: str, domain: str, stamp: datetime, online_link: bool = False
) -> list[str]:
    """VEVENTs of one workshop. The video link is only included for people registered (or
    running it), as on the detail page; others read "Online"."""
    lines = []
    sessions = list(workshop.sessions.all())
    online = (workshop.online_url if online_link else "Online") if workshop.online_url else ""
    location = ", ".join(p for p in (workshop.venue, online) if p)
    description = workshop.description
    if workshop.online_url and online_link:
        description = f"{description}\n\n{workshop.online_url}".strip()
    description = f"{description}\n\n{url}".strip()
    for index, session in enumerate(sessions, start=1):
        summary = workshop.title
        if len(sessions) > 1:
            summary = f"{workshop.title} ({index}/{len(sessions)})"
        lines += [
            "BEGIN:VEVENT",
            f"UID:workshop-{workshop.pk}-session-{session.pk}@{domain}",
            f"DTSTAMP:{_utc(stamp)}",
            f"DTSTART;TZID=Europe/Berlin:{_local(session.starts_at)}",
            f"DTEND;TZID=Europe/Berlin:{_local(session.ends_at)}",
            f"SUMMARY:{escape_text(summary)}",
            f"DESCRIPTION:{escape_text(description)}",
        ]
        if location:
            lines.append(f"LOCATION:{escape_text(location)}")
        lines += [
            f"URL:{url}",
            f"LAST-MODIFIED:{_utc(workshop.updated_at)}",
            "STATUS:CANCELLED" if workshop.status == "cancelled" else "STATUS:CONFIRMED",
            "END:VEVENT",
        ]
    return lines


def calendar(
    workshops: Iterable, *, url_for, domain: str, name: str, online_link=lambda w: False
) -> str:
    stamp = timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:Europe/Berlin",
        *VTIMEZONE,
    ]
    for workshop in workshops:
        lines += workshop_events(
            workshop,
            url=url_for(workshop),
            domain=domain,
            stamp=stamp,
            online_link=online_link(workshop),
        )
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
