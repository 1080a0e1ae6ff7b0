"""An artisan's market as an iCalendar event (RFC 5545), for "add to my calendar"."""

import datetime as dt

from flask import current_app, request
from flask_babel import gettext as _

from .. import qr
from ..models import Stall, utcnow
from ..stall.agenda import market_zone
from .pages import find_stall, unavailable
from .showcase import is_visible


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character."""
    out, current = [], ""
    for char in line:
        limit = 75 if not out else 74  # continuation lines start with a space
        if len((current + char).encode()) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return "\r\n ".join(out)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def event_lines(stall: Stall) -> list[str]:
    """Return the VEVENT of a stall's market: timed when hours are known, else all day."""
    market = stall.market
    zone = market_zone(market)
    lines = ["BEGIN:VEVENT", f"UID:stall-{stall.id}@{request.host}", f"DTSTAMP:{_utc(utcnow())}"]
    if market.opens_at:
        start = dt.datetime.combine(market.date, market.opens_at, tzinfo=zone)
        closes = market.closes_at or (start + dt.timedelta(hours=1)).timetz()
        end = dt.datetime.combine(market.date, closes.replace(tzinfo=None), tzinfo=zone)
        if end <= start:
            end = start + dt.timedelta(hours=1)
        lines += [f"DTSTART:{_utc(start)}", f"DTEND:{_utc(end)}"]
    else:
        next_day = market.date + dt.timedelta(days=1)
        lines += [f"DTSTART;VALUE=DATE:{market.date:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{next_day:%Y%m%d}"]
    summary = f"{stall.artisan.display_name} · {market.name}"
    location = ", ".join(part for part in (market.place, market.address) if part)
    description = _("Stall %(number)s", number=stall.number)
    url = qr.absolute_url("public.stall_page", slug=stall.slug)
    lines += [f"SUMMARY:{_escape(summary)}", f"LOCATION:{_escape(location)}",
              f"DESCRIPTION:{_escape(description)}", f"URL:{url}", "END:VEVENT"]
    return lines


def calendar_document(stall: Stall) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0",
             f"PRODID:-//Marché//{current_app.config['APP_VERSION']}//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", *event_lines(stall), "END:VCALENDAR"]
    return "".join(_fold(line) + "\r\n" for line in lines)


def market_ics(slug: str):
    """Send one market of an artisan as a calendar event."""
    stall = find_stall(slug)
    if stall is None or not is_visible(stall.artisan):
        return unavailable()
    response = current_app.response_class(calendar_document(stall),
                                          mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="marche-{stall.slug}.ics"'
    return response
