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
from marshmallow import Schema

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
    two registrations of one path merge their operations.
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
    known: dict[str, type[Schema] | Schema] = {}
    for name, schema in (("Error", ErrorSchema), ("ValidationError", ValidationErrorSchema)):
        _declare(spec, known, name, schema)
    for registration in registrations:
        for name, schema in registration.schemas.items():
            _declare(spec, known, name, schema)
        spec.path(path=registration.path, operations=dict(registration.operations))
    return spec


def _declare(spec: APISpec, known: dict, name: str, schema: type[Schema] | Schema) -> None:
    if name in known:
        if known[name] is not schema:
            raise ValueError(f"OpenAPI component {name!r} names two different schemas")
        return
    known[name] = schema
    spec.components.schema(name, schema=schema)
