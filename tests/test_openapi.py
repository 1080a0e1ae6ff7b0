"""The OpenAPI document of /api/v1: valid, generated from the schemas, easy to extend."""

import pytest
from marshmallow import Schema, fields
from openapi_spec_validator import validate

from marche.api.openapi import (
    Registration,
    build_spec,
    error_responses,
    json_body,
    json_response,
)
from marche.api.schemas import PhoneLoginSchema


def test_the_document_is_valid_openapi_3(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"].startswith("3.")
    validate(document)


def test_the_document_describes_the_session(client):
    document = client.get("/api/v1/openapi.json").json
    session = document["paths"]["/session"]
    assert set(session) == {"post", "get", "delete"}
    assert set(session["post"]["responses"]) >= {"200", "401", "415", "422", "429"}
    login = document["components"]["schemas"]["PhoneLogin"]
    assert set(login["required"]) == {"login", "pin"}
    assert login["properties"]["pin"]["type"] == "string"
    assert document["servers"] == [{"url": "/api/v1"}]


def test_the_document_follows_the_schemas(client):
    # A field added to the schema shows in the document without touching anything else.
    document = client.get("/api/v1/openapi.json").json
    declared = set(document["components"]["schemas"]["PhoneLogin"]["properties"])
    assert declared == set(PhoneLoginSchema().fields)


class _PushSchema(Schema):
    client_id = fields.UUID(required=True)
    mutations = fields.List(fields.Dict(), required=True)


class _PushResultSchema(Schema):
    last_seq = fields.Integer()


def _push_registration(result_schema=_PushResultSchema) -> Registration:
    return Registration(
        schemas={"Push": _PushSchema, "PushResult": result_schema},
        path="/sync/push",
        operations={"post": {
            "summary": "Send the phone's mutations.",
            "security": [{"session": []}],
            "requestBody": json_body(_PushSchema),
            "responses": {"200": json_response("Done.", _PushResultSchema),
                          **error_responses(401, 409, 422, e409="Start again from last_seq.")},
        }},
    )


def test_another_module_adds_its_endpoints_with_a_registration():
    document = build_spec([_push_registration()], version="9.9").to_dict()
    validate(document)
    push = document["paths"]["/sync/push"]["post"]
    assert push["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Push"}
    assert push["responses"]["409"]["description"] == "Start again from last_seq."
    assert push["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ValidationError"}


def test_one_name_for_two_schemas_is_refused():
    class OtherResult(Schema):
        seq = fields.Integer()

    with pytest.raises(ValueError, match="PushResult"):
        build_spec([_push_registration(), _push_registration(OtherResult)], version="1")


def test_the_same_schema_may_be_named_twice_and_paths_merge():
    get_push = Registration({"PushResult": _PushResultSchema}, "/sync/push", {
        "get": {"responses": {"200": json_response("The last result.", _PushResultSchema)}}})
    document = build_spec([_push_registration(), get_push], version="1").to_dict()
    validate(document)
    assert set(document["paths"]["/sync/push"]) == {"post", "get"}


class _LineSchema(Schema):
    label = fields.String()


class _SaleSchema(Schema):
    lines = fields.List(fields.Nested(_LineSchema))


def test_a_schema_may_be_named_after_the_one_that_nests_it(recwarn):
    sales = Registration({"Sale": _SaleSchema, "SaleLine": _LineSchema}, "/sales", {
        "get": {"responses": {"200": json_response("Sales.", _SaleSchema)}}})
    document = build_spec([sales], version="1").to_dict()
    validate(document)
    assert not recwarn.list  # apispec warns when a schema is added twice
    sale = document["components"]["schemas"]["Sale"]
    assert sale["properties"]["lines"]["items"] == {"$ref": "#/components/schemas/SaleLine"}
    assert set(document["components"]["schemas"]) >= {"Sale", "SaleLine"}
    assert "_Line" not in document["components"]["schemas"]


def test_the_document_describes_the_sync_and_every_mutation_type(client):
    """A script or another phone app writes against it: push and pull, the answers, and the
    payload of each mutation type, its fields as the server's schema takes them."""
    from marche.sync.mutations import TYPES

    document = client.get("/api/v1/openapi.json").json
    schemas = document["components"]["schemas"]
    push = document["paths"]["/sync/push"]["post"]
    assert set(push["responses"]) >= {"200", "401", "403", "409", "422", "503"}
    assert push["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/PushRequest")
    assert set(document["paths"]["/sync/pull"]["post"]["responses"]) >= {"200", "401", "422"}
    assert {"client_id", "mutations"} <= set(schemas["PushRequest"]["required"])
    assert {"last_seq", "version", "results"} <= set(schemas["PushAnswer"]["properties"])
    assert {"cookie", "last_seq", "patch"} <= set(schemas["PullAnswer"]["properties"])
    for name, kind in TYPES.items():
        documented = [schema for schema in schemas.values()
                      if f"`{name}`" in push["description"]
                      and set(schema.get("properties", {})) == set(kind.schema.fields)]
        assert documented, f"{name}: its payload is not in the document"
