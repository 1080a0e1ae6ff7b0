"""What the log-in forms and the phone's log-in may send: e-mail and password, login and PIN."""

import unicodedata

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from ..schemas import FormSchema, Text


class Pin(fields.String):
    """A PIN typed on any keypad: Arabic-Indic and other digits are read as 0–9.

    An Android keypad in Arabic may type ``٢٤٦٨``; the artisan means ``2468`` and must be able
    to log in later from a keypad that types Latin digits.
    """

    default_error_messages = {"invalid": _l("A PIN is 4 to 8 digits.")}

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char
                       for char in text)


def pin_input(**kwargs) -> Pin:
    return Pin(required=True, validate=validate.Regexp(
        r"^[0-9]{4,8}$", error=_l("A PIN is 4 to 8 digits.")), **kwargs)


def login_input(**kwargs) -> Text:
    # One line of printable characters (``Text``): a control character or a lone surrogate
    # is refused next to the field, never a database error.
    return Text(required=True, multiline=False, validate=validate.Length(
        min=1, max=32, error=_l("Enter your login.")), **kwargs)


class CoachLoginSchema(FormSchema):
    email = Text(required=True, multiline=False, validate=validate.Length(
        min=1, max=254, error=_l("Enter your e-mail address.")))
    password = fields.String(required=True, validate=validate.Length(
        min=1, max=200, error=_l("Enter your password.")))


class PinLoginSchema(FormSchema):
    login = login_input()
    pin = pin_input()


class EnrolSchema(FormSchema):
    pin = pin_input()
    pin_again = Pin(required=True)

    @validates_schema
    def _same_pin(self, data, **kwargs):
        if "pin" in data and data.get("pin_again") != data["pin"]:
            raise ValidationError(_l("The two PINs are not the same."), "pin_again")


coach_login_schema = CoachLoginSchema()
pin_login_schema = PinLoginSchema()
enrol_schema = EnrolSchema()
