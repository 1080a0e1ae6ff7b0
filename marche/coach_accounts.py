"""The rules of a coach account, shared by the command line and any future admin screen."""

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, post_load, validate

from .schemas import required_text


class CoachAccountSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = required_text(120)
    password = fields.String(required=True, validate=validate.Length(
        min=10, max=200, error=_l("A password has at least {min} characters.")))

    @post_load
    def normalise(self, data, **kwargs):
        data["email"] = data["email"].strip().lower()
        return data


coach_account_schema = CoachAccountSchema()
