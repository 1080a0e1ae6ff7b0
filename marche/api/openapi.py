"""The OpenAPI 3 document of ``/api/v1``, built from the marshmallow schemas the views load.

Documenting an endpoint is a matter of data, next to its views::

    from .openapi import Registration, error_responses, json_body, json_response

    SYNC_DOCS = [
        Registration(
            schemas={"PushRequest": PushRequestSchema, "PushResult": PushResultSchema},
            path="/sync/push",
            operations={"post": {
                "summary": "Send the phone's mutations.",
                "security": [{"session": []}],
                "requestBody": json_body(PushRequestSchema),
                "responses": {"200": json_response("What became of each mutation.",
                                                   PushResultSchema),
                              **error_responses(400, 401, 415, 422)},
            }},
        ),
    ]

then add ``SYNC_DOCS`` to the list that ``api_registrations()`` returns in
``marche/api/views.py``. ``schemas`` names the components (``{"Name": SchemaClass}``); a
schema used in ``operations`` may be given as its class, and becomes a ``$ref`` to the
component of that name. ``path`` is relative to ``/api/v1`` and uses OpenAPI's ``{name}``
for parameters. ``operations`` maps HTTP methods (lower case) to OpenAPI operation objects.
The document is built on request, so nothing is registered at import time.
"""

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields

from .schemas import ErrorSchema, ValidationErrorSchema

OPENAPI_VERSION = "3.0.3"

ERROR_DESCRIPTIONS = {
    400: "The body is not valid JSON.",
    401: "Not logged in (or the session was ended), or a wrong login or PIN.",
    403: "Logged in, but this is not yours.",
    404: "Nothing here.",
    409: "A conflict: the answer says how to go on.",
    415: "The body is not JSON: send `Content-Type: application/json`.",
    422: "A field is missing or wrong: `fields` says which, in the user's language.",
    429: "Too many failed tries from this address: wait `Retry-After` seconds.",
    503: "The server is busy: try again later; nothing was saved.",
}


class Registration(NamedTuple):
    """Components to declare by name, and one path with its operations."""

    schemas: Mapping[str, type[Schema] | Schema]
    path: str
    operations: Mapping[str, dict[str, Any]]


def json_body(schema: type[Schema] | Schema, description: str = "") -> dict[str, Any]:
    """Return a required JSON ``requestBody`` loaded by ``schema``."""
    body = {"required": True, "content": {"application/json": {"schema": schema}}}
    if description:
        body["description"] = description
    return body


def json_response(description: str, schema: type[Schema] | Schema | None = None) -> dict:
    """Return a response object; with ``schema``, a JSON body dumped by it."""
    response: dict[str, Any] = {"description": description}
    if schema is not None:
        response["content"] = {"application/json": {"schema": schema}}
    return response


def error_responses(*codes: int, **descriptions: str) -> dict[str, dict]:
    """Return the house JSON error answers for these statuses (``{"error", "code"}``).

    ``descriptions`` overrides a default text: ``error_responses(401, e401="Wrong PIN.")``.
    """
    return {
        str(code): json_response(
            descriptions.get(f"e{code}", ERROR_DESCRIPTIONS.get(code, "An error.")),
            ValidationErrorSchema if code == 422 else ErrorSchema)
        for code in codes
    }


def build_spec(registrations: Iterable[Registration], *, title: str = "Marché API",
               version: str, server_url: str = "/api/v1",
               cookie_name: str = "session") -> APISpec:
    """Build the document from ``registrations`` (see the module's docstring).

    A component name given twice must name the same schema both times (else ``ValueError``);
    the order of the registrations and of their schemas does not matter; two registrations
    of one path merge their operations.
    """
    spec = APISpec(
        title=title,
        version=version,
        openapi_version=OPENAPI_VERSION,
        plugins=[MarshmallowPlugin()],
        info={"description": "The phone's API: log-in and sync. JSON only; errors are "
                             "`{\"error\", \"code\"}` with the message in the user's language."},
        servers=[{"url": server_url}],
    )
    spec.components.security_scheme(
        "session", {"type": "apiKey", "in": "cookie", "name": cookie_name,
                    "description": "The session cookie set by `POST /session`."})
    named = {"Error": ErrorSchema, "ValidationError": ValidationErrorSchema}
    registrations = list(registrations)
    for registration in registrations:
        for name, schema in registration.schemas.items():
            if named.setdefault(name, schema) is not schema:
                raise ValueError(f"OpenAPI component {name!r} names two different schemas")
    for name, schema in _nested_first(named):
        spec.components.schema(name, schema=schema)
    for registration in registrations:
        spec.path(path=registration.path, operations=dict(registration.operations))
    return spec


def _nested_first(named: dict[str, type[Schema] | Schema]) -> list[tuple[str, Any]]:
    """Order the components so that a schema comes after the named schemas it nests.

    apispec gives a nested schema a name of its own when it meets it first inside another;
    declaring it afterwards under our name would add it twice.
    """
    name_of = {_schema_class(schema): name for name, schema in named.items()}
    ordered: dict[str, Any] = {}

    def visit(name: str, schema, path: tuple = ()) -> None:
        if name in ordered or name in path:
            return
        for child in _nested_classes(schema):
            if child in name_of:
                visit(name_of[child], named[name_of[child]], (*path, name))
        ordered[name] = schema

    for name, schema in named.items():
        visit(name, schema)
    return list(ordered.items())


def _schema_class(schema) -> type[Schema]:
    return schema if isinstance(schema, type) else type(schema)


def _nested_classes(schema) -> list[type[Schema]]:
    instance = schema() if isinstance(schema, type) else schema
    found: list[type[Schema]] = []
    for field in instance.fields.values():
        _collect(field, found)
    return found


def _collect(field, found: list) -> None:
    if isinstance(field, fields.Nested):
        found.append(_schema_class(field.schema))
    for inner in (getattr(field, "inner", None), getattr(field, "key_field", None),
                  getattr(field, "value_field", None), *getattr(field, "tuple_fields", ())):
        if inner is not None:
            _collect(inner, found)
