"""Languages, and money and dates formatted by Babel for the user's locale."""

import datetime as dt

from babel.numbers import format_currency
from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_time, get_locale
from flask_login import current_user

from .config import RTL_LANGUAGES


def select_locale() -> str:
    """Pick the language: this browser's choice, the user's, the browser's, then French."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the command line speaks the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    # A choice made in this browser (even before logging in) wins; then the user's own.
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    best = request.accept_languages.best_match(list(languages))
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def text_direction() -> str:
    return "rtl" if str(get_locale()) in RTL_LANGUAGES else "ltr"


def money(cents: int | None, whole: bool = False) -> str:
    """Format integer cents as the locale writes money: ``12,50 €`` in French.

    ``whole`` drops the cents of a round amount (``50 €``), for buttons where space is short.
    """
    if cents is None:
        return ""
    locale = get_locale()
    currency = current_app.config["CURRENCY"]
    if whole and cents % 100 == 0:
        pattern = locale.currency_formats["standard"].pattern.replace(".00", "")
        return format_currency(cents // 100, currency, format=pattern, currency_digits=False,
                               locale=locale)
    return format_currency(cents / 100, currency, locale=locale)


def euros_input(cents: int | None) -> str:
    """Write cents for an input field the user can edit: ``12,50`` (no currency sign)."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    sep = "." if str(get_locale()) == "en" else ","
    return f"{sign}{cents // 100}{sep}{cents % 100:02d}"


def datetime_text(moment: dt.datetime | None, fmt: str = "medium") -> str:
    """Format a moment in the user's time zone and language.

    A moment too near an end of the calendar to be moved into that zone (a phone clock in
    year 9999: in Paris it would be the year 10000) is written as it is, in UTC: a screen
    never breaks on a time a phone sent.
    """
    if not moment:
        return ""
    try:
        return format_datetime(moment, fmt)
    except (OverflowError, ValueError):
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def init_app(app) -> None:
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["euros_input"] = euros_input
    app.jinja_env.filters["date"] = lambda d, fmt="medium": format_date(d, fmt) if d else ""
    app.jinja_env.filters["time"] = lambda t, fmt="short": format_time(t, fmt) if t else ""
    app.jinja_env.filters["datetime"] = datetime_text

    @app.context_processor
    def _i18n_context():
        return {
            "current_locale": str(get_locale()),
            "text_direction": text_direction(),
            "languages": app.config["LANGUAGES"],
        }
