"""Marshmallow schemas: every input that crosses the wire is loaded through one of these.

Error messages are English message ids; ``translate_errors`` turns them into the user's
language (the catalogue holds marshmallow's own messages too, listed below).

Text is checked one way everywhere: ``printable`` says what text may hold; ``Text`` fields
refuse the rest (a log-in, a phone's change), ``load_form`` drops it from posted forms
(``clean``).
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


# What no one types and no column should hold: C0 control characters but tab, line feed and
# carriage return; DEL; C1 control characters; and lone UTF-16 surrogates (valid JSON, as
# "\ud83c", but no UTF-8 encoder takes them: both databases would fail). PostgreSQL refuses NUL.
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_LINE_BREAKS = "\t\n\r"
_SURROGATES = "\ud800-\udfff"
_UNPRINTABLE = re.compile(f"[{_CONTROL}{_SURROGATES}]")
_UNPRINTABLE_LINE = re.compile(f"[{_CONTROL}{_LINE_BREAKS}{_SURROGATES}]")
_CONTROLS = re.compile(f"[{_CONTROL}]")
_CONTROLS_LINE = re.compile(f"[{_CONTROL}{_LINE_BREAKS}]")
_SURROGATE = re.compile(f"[{_SURROGATES}]")

# A message id, kept as is where it is stored (a refused sync change) and translated where it
# is shown (``translate_errors``); listed in ``MESSAGES`` for the catalogue.
UNPRINTABLE = "Remove the special characters."
MESSAGES = (_l("Remove the special characters."),)


def printable(text: str, multiline: bool = True) -> None:
    """Refuse (``ValidationError``) a text holding a control character or a lone surrogate.

    Tab, line feed and carriage return are allowed when ``multiline``.
    """
    if (_UNPRINTABLE if multiline else _UNPRINTABLE_LINE).search(text):
        raise ValidationError(UNPRINTABLE)


def clean(text: str, multiline: bool = True) -> str:
    """Return the text without what ``printable`` refuses: control characters are dropped,
    lone surrogates replaced by U+FFFD (as a browser does with bytes that are not UTF-8)."""
    text = (_CONTROLS if multiline else _CONTROLS_LINE).sub("", text)
    return _SURROGATE.sub("\ufffd", text)


def load_form(schema: Schema, form) -> tuple[dict, dict[str, str]]:
    """Load a posted form: ``(data, {})`` when valid, else ``({}, one message per field)``.

    Every value is cleaned first (``clean``): a control character pasted into a form is
    dropped, never a reason to refuse the form nor a database error.
    """
    values = form.to_dict(flat=True) if hasattr(form, "to_dict") else dict(form)
    values = {key: clean(value) if isinstance(value, str) else value
              for key, value in values.items()}
    try:
        return schema.load(values), {}
    except ValidationError as error:
        return {}, first_errors(error.messages)


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
    """A trimmed string of printable characters (see ``printable``); "" when empty.

    A required text is refused when empty by its ``validate`` (``required_text``).
    ``multiline=False`` refuses tabs and line breaks too (a login, an e-mail address);
    ``strip=False`` keeps the spaces around, as the phone sent them; ``clean=True`` drops what
    is not printable instead of refusing it (``clean``), for what must never refuse a request.
    """

    default_error_messages = {"unprintable": UNPRINTABLE}

    def __init__(self, *, multiline: bool = True, strip: bool = True, clean: bool = False,
                 **kwargs):
        self.multiline = multiline
        self.strip = strip
        self.clean = clean
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if self.clean:
            text = clean(text, multiline=self.multiline)
        if self.strip:
            text = text.strip()
        try:
            printable(text, multiline=self.multiline)
        except ValidationError as error:
            raise self.make_error("unprintable") from error
        return text


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
