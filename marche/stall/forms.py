"""The artisan's forms (product, my page): marshmallow schemas for ``schemas.load_form``."""

import re

from flask_babel import lazy_gettext as _l
from marshmallow import fields, pre_load, validate

from ..schemas import FormSchema, Money, Text, optional_text, required_text

STORY_MAX = 600


def _blank_to_none(data, names):
    """Drop optional fields left empty, so that they take their default instead of failing."""
    data = dict(data)
    for name in names:
        if isinstance(data.get(name), str) and not data[name].strip():
            data.pop(name)
    return data


class Checkbox(fields.Boolean):
    """An HTML checkbox: present means yes, absent means no."""

    def __init__(self, **kwargs):
        super().__init__(load_default=False, **kwargs)


class ProductSchema(FormSchema):
    name = required_text(80)
    price = Money(required=True)
    cost = Money(load_default=None, allow_none=True)
    category = optional_text(60)
    active = Checkbox()

    @pre_load
    def _blanks(self, data, **kwargs):
        return _blank_to_none(data, ["cost"])


class Website(Text):
    """A web address as people write it (``monsite.fr``), kept with its ``https://``."""

    default_error_messages = {"invalid": _l("Write a web address, like monsite.fr.")}
    _PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s<>\"']*\.[^\s<>\"']+$", re.IGNORECASE)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not text:
            return ""
        if not re.match(r"^https?://", text, re.IGNORECASE):
            text = "https://" + text
        if len(text) > 300 or not self._PATTERN.match(text):
            raise self.make_error("invalid")
        return text


class Instagram(Text):
    """An Instagram account written as ``@name``, ``name`` or its full address; kept as name."""

    default_error_messages = {"invalid": _l("Write your Instagram name, like @mon.atelier.")}
    _URL = re.compile(r"^(https?://)?(www\.)?instagram\.com/", re.IGNORECASE)
    _HANDLE = re.compile(r"^[A-Za-z0-9._]{1,30}$")

    def _deserialize(self, value, attr, data, **kwargs):
        text = self._URL.sub("", super()._deserialize(value, attr, data, **kwargs))
        text = text.strip("/").removeprefix("@")
        if text and not self._HANDLE.match(text):
            raise self.make_error("invalid")
        return text


class ProfileSchema(FormSchema):
    display_name = required_text(120)
    craft = optional_text(120)
    story = optional_text(STORY_MAX)
    phone = Text(load_default="", validate=validate.Regexp(
        r"^$|^\+?[0-9 ().-]{6,25}$", error=_l("Write a phone number, like 06 12 34 56 78.")))
    email = Text(load_default="", validate=[
        validate.Length(max=254, error=_l("Write at most {max} characters.")),
        validate.Regexp(r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$",
                        error=_l("Write an e-mail address, like nom@exemple.fr."))])
    website = Website(load_default="")
    instagram = Instagram(load_default="")
    public = Checkbox()


class ArchiveSchema(FormSchema):
    """Take a product off sale (``active=0``) or put it back (``active=1``)."""

    active = fields.Boolean(required=True)


product_schema = ProductSchema()
archive_schema = ArchiveSchema()
profile_schema = ProfileSchema()

