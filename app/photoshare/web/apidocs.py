"""GET /api/v1/docs: the OpenAPI document rendered as a plain page on the server.

quart-schema's own docs pages load their scripts from a CDN, which the
Content-Security-Policy forbids and a closed network cannot reach; this page
needs no script at all, so it works offline under the strict CSP. It is
built from the same document as /api/v1/openapi.json, once per process.
"""

from __future__ import annotations

import json
from typing import Any

from quart import Blueprint, current_app
from quart_schema import hide

from photoshare.web.pages import render_page

blueprint = Blueprint("apidocs", __name__)
METHODS = ("get", "post", "put", "patch", "delete")
CACHE_KEY = "photoshare.api_docs"


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_label(schema: dict[str, Any]) -> str:
    """A short reading of a JSON schema: 'string', 'PhotoOut', 'list of CommentOut', 'integer | null'."""
    if "$ref" in schema:
        return ref_name(schema["$ref"])
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            return " | ".join(type_label(option) for option in schema[combinator])
    if "enum" in schema:
        return " | ".join(json.dumps(value) for value in schema["enum"])
    if "const" in schema:
        return json.dumps(schema["const"])
    kind = schema.get("type", "any")
    if kind == "object" and "title" in schema:  # a body model quart-schema put inline
        return schema["title"]
    if kind == "array":
        return f"list of {type_label(schema.get('items', {}))}"
    if schema.get("format"):
        return f"{kind} ({schema['format']})"
    return kind


def body_label(content: dict[str, Any]) -> list[dict[str, str]]:
    return [{"media_type": media, "type": type_label(spec.get("schema", {}))} for media, spec in content.items()]


def operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            found.append(
                {
                    "method": method,
                    "path": path,
                    "anchor": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                    "tag": (operation.get("tags") or ["other"])[0],
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "type": type_label(p.get("schema", {})),
                            "description": p.get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "request": body_label(operation.get("requestBody", {}).get("content", {})),
                    "responses": [
                        {"status": status, "body": body_label(response.get("content", {}))}
                        for status, response in sorted(operation.get("responses", {}).items())
                    ],
                }
            )
    return sorted(found, key=lambda op: (op["tag"], op["path"], METHODS.index(op["method"])))


def inline_bodies(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The request and response models quart-schema writes inline (only nested ones are components)."""
    found = {}
    for item in document.get("paths", {}).values():
        for operation in item.values():
            contents = [operation.get("requestBody", {}).get("content", {})]
            contents += [response.get("content", {}) for response in operation.get("responses", {}).values()]
            for content in contents:
                for spec in content.values():
                    schema = spec.get("schema", {})
                    if schema.get("type") == "object" and "title" in schema:
                        found[schema["title"]] = schema
    return found


def schemas(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    named = inline_bodies(document) | document.get("components", {}).get("schemas", {})
    for name, schema in sorted(named.items()):
        required = set(schema.get("required", []))
        found.append(
            {
                "name": name,
                "description": schema.get("description", ""),
                "fields": [
                    {
                        "name": field,
                        "type": type_label(spec),
                        "required": field in required,
                        "description": spec.get("description", ""),
                    }
                    for field, spec in schema.get("properties", {}).items()
                ],
            }
        )
    return found


def docs_model() -> dict[str, Any]:
    model = current_app.extensions.get(CACHE_KEY)
    if model is None:
        document = current_app.extensions["QUART_SCHEMA"].openapi_provider.schema()
        model = current_app.extensions[CACHE_KEY] = {
            "info": document.get("info", {}),
            "operations": operations(document),
            "schemas": schemas(document),
        }
    return model


@blueprint.get("/api/v1/docs")
@hide
async def docs_page():
    return await render_page("api_docs.html", docs=docs_model())
