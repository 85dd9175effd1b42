"""The API class: Ninja's, with every operation's error responses written into the OpenAPI document.

A client generated from the document, and a fuzzer checking answers against it, then know that any
operation may answer 400, 401, 403, 404, 409, 413, 422 or 429, each in the one error shape.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI, Schema
from ninja.openapi.schema import OpenAPISchema


class ErrorBody(Schema):
    code: str
    message: str
    details: dict[str, Any]


class ErrorOut(Schema):
    """Every failure: a stable code, a message in the request's language, details (`fields` on 422)."""

    error: ErrorBody


ERROR_RESPONSES = {
    400: "Malformed request: a body that is not JSON, a broken multipart form",
    401: "Not logged in, or the token is not valid",
    403: "The role may not do this, or the CSRF check failed",
    404: "Not found, or outside the caller's data scope",
    409: "Conflicts with the record's current state or with a change saved at the same moment",
    413: "The request body is larger than the server accepts",
    422: "Input that does not fit the schema or the rules; `details.fields` names each field",
    429: "Too many requests",
}
_REF = "#/components/schemas/{model}"


class ZhiguanAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error = ErrorOut.model_json_schema(ref_template=_REF)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(error.pop("$defs", {}))
        components["ErrorOut"] = error
        content = {"application/json": {"schema": {"$ref": _REF.format(model="ErrorOut")}}}
        for item in schema["paths"].values():
            for operation in item.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_RESPONSES.items():
                    responses.setdefault(status, {"description": description, "content": content})
        return schema
