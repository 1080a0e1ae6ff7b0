"""Marshmallow schemas: every input that crosses the wire is loaded through one of these.

Error messages are English message ids; ``translate_errors`` turns them into the user's
language (the catalogue holds marshmallow's own messages too, listed below).
"""

import re
from decimal import Decimal, InvalidOperation

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate

# marshmallow's built-in messages, listed so that the translation catalogue carries them.
MARSHMALLOW_MESSAGES = (
    _l("Missing data for required field."),
    _l("Field may not be null."),
    _l("Not a valid string."),
    _l("Not a valid integer."),
    _l("Not a valid number."),
    _l("Not a valid boolean."),
    _l("Not a valid date."),
    _l("Not a valid time."),
    _l("Not a valid datetime."),
    _l("Not a valid UUID."),
    _l("Not a valid email address."),
    _l("Not a valid URL."),
    _l("Not a valid list."),
    _l("Invalid input type."),
    _l("Invalid value."),
    _l("Unknown field."),
    _l("Must be one of: {choices}."),
)


def translate_errors(messages):
    """Return marshmallow's error messages in the user's language, same shape."""
    if isinstance(messages, dict):
        return {key: translate_errors(value) for key, value in messages.items()}
    if isinstance(messages, list | tuple):
        return [translate_errors(value) for value in messages]
    text = str(messages)
    if text.startswith("Must be one of: "):
        return gettext("Must be one of: %(choices)s.", choices=text[len("Must be one of: "):-1])
    return gettext(text)


def first_errors(messages) -> dict[str, str]:
    """Flatten a schema's errors to one translated message per top-level field (for forms)."""
    flat = {}
    for key, value in translate_errors(messages).items():
        while isinstance(value, list | dict):
            value = next(iter(value.values() if isinstance(value, dict) else value), "")
        flat[key] = str(value)
    return flat


_MONEY = re.compile(r"^\d{1,7}([.,]\d{1,2})?$")


class Money(fields.Field):
    """Euros as a person types them (``12``, ``12,5``, ``12.50``, ``12,50 €``) loaded as cents.

    Integers sent by the phone's JSON are taken as cents already.
    """

    default_error_messages = {"invalid": _l("Enter an amount in euros, like 12,50.")}

    def __init__(self, *, maximum_cents: int = 100_000_00, **kwargs):
        self.maximum_cents = maximum_cents
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, int):
            cents = value
        else:
            text = str(value).replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
            if not _MONEY.match(text):
                raise self.make_error("invalid")
            try:
                cents = int((Decimal(text.replace(",", ".")) * 100).to_integral_value())
            except InvalidOperation as error:
                raise self.make_error("invalid") from error
        if cents < 0 or cents > self.maximum_cents:
            raise ValidationError(_l("Enter an amount between 0 and 100 000 €."))
        return cents

    def _serialize(self, value, attr, obj, **kwargs):
        return value


class Text(fields.String):
    """A trimmed string; empty strings become ``""`` (or are refused when required)."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


def required_text(max_length: int, **kwargs) -> Text:
    return Text(required=True, validate=validate.Length(
        min=1, max=max_length, error=_l("Write between {min} and {max} characters.")), **kwargs)


def optional_text(max_length: int, **kwargs) -> Text:
    return Text(load_default="", validate=validate.Length(
        max=max_length, error=_l("Write at most {max} characters.")), **kwargs)


class FormSchema(Schema):
    """Base of the schemas that load HTML forms: unknown fields (csrf_token, buttons) ignored."""

    class Meta:
        unknown = "exclude"
