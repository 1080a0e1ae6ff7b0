"""The coach's forms: one marshmallow schema per form, loaded by ``schemas.load_form``."""

import datetime as dt
import zoneinfo

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, pre_load, validate, validates_schema

from ..naming import LOGIN_PATTERN
from ..schemas import FormSchema, Money, Text, optional_text, required_text

DEFAULT_TIMEZONE = "Europe/Paris"
# The zones a French programme meets (mainland, neighbours, overseas); any valid zone is accepted.
TIMEZONE_CHOICES = (
    "Europe/Paris", "Europe/Brussels", "Europe/Luxembourg", "Europe/Zurich", "Europe/London",
    "America/Guadeloupe", "America/Martinique", "America/Cayenne", "Indian/Reunion",
    "Indian/Mayotte", "Pacific/Noumea", "Pacific/Tahiti",
)
MAX_ID = 2**31 - 1


class CoachForm(FormSchema):
    """A posted HTML form: blank non-text fields are treated as missing (they take defaults)."""

    @pre_load
    def _blanks(self, data, **kwargs):
        def blank(key, value) -> bool:
            field = self.fields.get(key)
            return (field is not None and not isinstance(field, fields.String)
                    and isinstance(value, str) and not value.strip())

        return {key: value for key, value in data.items() if not blank(key, value)}


def _id_field(message) -> fields.Integer:
    return fields.Integer(
        required=True, strict=False, validate=validate.Range(min=1, max=MAX_ID, error=message),
        error_messages={"required": message, "invalid": message})


class CohortSchema(CoachForm):
    name = required_text(120)
    organisation = optional_text(120)
    season = optional_text(40)


class CohortCoachSchema(CoachForm):
    email = Text(required=True, multiline=False, validate=validate.Length(
        min=3, max=254, error=_l("Enter the e-mail address of a coach.")),
        error_messages={"required": _l("Enter the e-mail address of a coach.")})

    @pre_load
    def _lower_email(self, data, **kwargs):
        if isinstance(data.get("email"), str):
            data["email"] = data["email"].strip().lower()
        return data


class ArtisanSchema(CoachForm):
    name = required_text(120)
    login = Text(load_default="", validate=validate.Regexp(LOGIN_PATTERN, error=_l(
        "2 to 32 characters: small letters, digits and dashes.")))
    display_name = optional_text(120)
    craft = optional_text(120)

    @pre_load
    def _lower_login(self, data, **kwargs):
        if isinstance(data.get("login"), str):
            data["login"] = data["login"].strip().lower()
            if not data["login"]:
                del data["login"]
        return data


def _known_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_l("Choose a time zone from the list."))


_TIME_ERROR = _l("Write a time like 10:00.")


class MarketSchema(CoachForm):
    name = required_text(120)
    place = required_text(120)
    address = optional_text(300)
    date = fields.Date(required=True, validate=validate.Range(
        min=dt.date(2000, 1, 1), max=dt.date(2100, 12, 31),
        error=_l("Choose a date between 2000 and 2100.")),
        error_messages={"required": _l("Choose a date."), "invalid": _l("Choose a date.")})
    opens_at = fields.Time(load_default=None, error_messages={"invalid": _TIME_ERROR})
    closes_at = fields.Time(load_default=None, error_messages={"invalid": _TIME_ERROR})
    timezone = Text(load_default=DEFAULT_TIMEZONE, validate=_known_timezone)
    default_fee_cents = Money(load_default=0)

    @validates_schema
    def _closes_after_opening(self, data, **kwargs):
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            raise ValidationError(_l("The market closes after it opens."), "closes_at")


class NewMarketSchema(MarketSchema):
    cohort_id = _id_field(_l("Choose a cohort."))


class StallSchema(CoachForm):
    number = fields.Integer(
        required=True, strict=False,
        validate=validate.Range(min=1, max=9999, error=_l("A stall number from 1 to 9999.")),
        error_messages={"required": _l("Give a stall number."),
                        "invalid": _l("A stall number from 1 to 9999.")})
    fee_cents = Money(load_default=None)


class NewStallSchema(StallSchema):
    artisan_id = _id_field(_l("Choose an artisan of this cohort."))


cohort_schema = CohortSchema()
cohort_coach_schema = CohortCoachSchema()
artisan_schema = ArtisanSchema()
market_schema = MarketSchema()
new_market_schema = NewMarketSchema()
stall_schema = StallSchema()
new_stall_schema = NewStallSchema()
