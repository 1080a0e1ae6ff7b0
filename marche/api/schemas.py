"""What the phone sends to ``/api/v1`` and what it gets back (and the OpenAPI document's words)."""

from marshmallow import Schema, fields

from ..auth.schemas import login_input, pin_input


class PhoneLoginSchema(Schema):
    """The phone's log-in; fields a newer phone may add are ignored, not refused."""

    class Meta:
        unknown = "exclude"

    login = login_input(metadata={"description": "The artisan's short login.", "example": "awa"})
    pin = pin_input(metadata={"description": "4 to 8 digits.", "example": "2468"})


class SessionUserSchema(Schema):
    login = fields.String(metadata={"example": "awa"})
    name = fields.String(metadata={"example": "Awa"})
    locale = fields.String(metadata={"description": "The interface language.", "example": "fr"})


class SessionSchema(Schema):
    user = fields.Nested(SessionUserSchema, required=True)


class ErrorSchema(Schema):
    error = fields.String(required=True, metadata={"description": "Said in the user's language."})
    code = fields.Integer(required=True, metadata={"description": "The HTTP status."})


class ValidationErrorSchema(ErrorSchema):
    field_errors = fields.Dict(
        keys=fields.String(), values=fields.Raw(), data_key="fields",
        metadata={"description": "The messages of each wrong field, in the user's language."})


phone_login_schema = PhoneLoginSchema()
session_schema = SessionSchema()
