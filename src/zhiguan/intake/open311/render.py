"""Writing GeoReport documents: XML is the reference, JSON follows it (a repeated element is always
an array, single answers included; every value a string, as in the XML)."""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse

# The element name of one item of each list (the XML repeats it; JSON has an array).
ITEM = {
    "services": "service",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
    "photos": "photo",
    "notes": "note",
}


def _xml(name: str, value: Any, out: list[str]) -> None:
    if isinstance(value, list):
        out.append(f"<{name}>")
        item = ITEM.get(name, "item")
        for v in value:
            _xml(item, v, out)
        out.append(f"</{name}>")
    elif isinstance(value, dict):
        out.append(f"<{name}>")
        for k, v in value.items():
            if isinstance(v, str):  # the common case inline: a 1,000-request list has 17,000 of them
                out.append(f"<{k}>{escape(v)}</{k}>" if v else f"<{k}/>")
            else:
                _xml(k, v, out)
        out.append(f"</{name}>")
    elif value is None or value == "":
        out.append(f"<{name}/>")
    else:
        out.append(f"<{name}>{escape(str(value))}</{name}>")


def document(root: str, body: Any, fmt: str, status: int = 200) -> HttpResponse:
    """`body` under `root` (a list: the root repeats ITEM[root]); `fmt` is "xml" or "json"."""
    if fmt == "json":
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        return HttpResponse(text, status=status, content_type="application/json; charset=utf-8")
    out = ['<?xml version="1.0" encoding="utf-8"?>']
    _xml(root, body, out)
    return HttpResponse("".join(out), status=status, content_type="text/xml; charset=utf-8")


def errors(status: int, description: str, fmt: str) -> HttpResponse:
    """The spec's error document: `<errors><error><code/><description/></error></errors>` or its JSON list."""
    return document("errors", [{"code": status, "description": description}], fmt, status=status)
