"""Staff administration of Open311 (docs/decisions/085): the clients' API keys and the services'
attributes (the questions a client asks when filing a request of a category).

- keys (`client.manage`): list (never the key), issue (the key shown once: only its hash is kept),
  revoke (the key stops working at once; its requests stay);
- services and attributes (`taxonomy.manage`): the categories Open311 publishes as services with
  their attribute counts; list, add, change and remove a category's attributes.

Every write is audited under the person who made it. Mounted at /api/v1/open311/ (zhiguan.api).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from zhiguan.audit import services as audit
from zhiguan.errors import Conflict, InvalidInput, NotFound
from zhiguan.intake.open311 import services
from zhiguan.intake.open311.models import Datatype, Open311Key, Open311Request, ServiceAttribute
from zhiguan.org.auth import ActorRequest
from zhiguan.org.permissions import Actor, get_or_404, require, restrict
from zhiguan.schemas import InputSchema, is_unclean
from zhiguan.taxonomy.models import Category

router = Router(tags=["open311"])

CODE = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
LIST_TYPES = (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST)
ATTRIBUTE_FIELDS = [
    "code",
    "variable",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]


# ------------------------------------------------------------------------------------------ schemas


class KeyOut(Schema):
    id: int
    name: str
    prefix: str
    active: bool
    created_at: Any
    last_used_at: Any | None
    requests: int


class KeyIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=64)


class IssuedKeyOut(Schema):
    key: KeyOut
    api_key: str  # shown once


class ServiceOut(Schema):
    category_id: int
    code: str
    name: str
    group: str
    attributes: int


class ValueIn(InputSchema):
    key: str = Field(..., min_length=1, max_length=64)
    name: str = Field(..., min_length=1, max_length=100)


class AttributeIn(InputSchema):
    code: str = Field(..., min_length=1, max_length=64)
    description: str = Field(..., min_length=1, max_length=255)
    datatype: Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"] = "string"
    required: bool = False
    variable: bool = True
    datatype_description: str = Field("", max_length=255)
    order: int = Field(0, ge=0, le=10000)
    values: list[ValueIn] = Field(default_factory=list, max_length=200)


class AttributeOut(Schema):
    id: int
    category_id: int
    code: str
    description: str
    datatype: str
    datatype_label: str
    required: bool
    variable: bool
    datatype_description: str
    order: int
    values: list[dict[str, str]]


# --------------------------------------------------------------------------------------------- keys


def _key_out(row: Open311Key, requests: int = 0) -> dict[str, Any]:
    return {
        "id": row.pk,
        "name": row.name,
        "prefix": row.prefix,
        "active": row.active,
        "created_at": row.created_at,
        "last_used_at": row.last_used_at,
        "requests": requests,
    }


def list_keys(actor: Actor) -> list[dict[str, Any]]:
    rows = restrict(actor, Open311Key.objects.all(), "client.manage").order_by("-active", "name")
    counts = dict(
        Open311Request.objects.filter(key__in=rows)
        .values("key_id")
        .annotate(n=Count("id"))
        .values_list("key_id", "n")
    )
    return [_key_out(r, counts.get(r.pk, 0)) for r in rows]


def issue(actor: Actor, name: str) -> tuple[Open311Key, str]:
    require(actor, "client.manage")
    with transaction.atomic():
        row, plain = services.issue_key(jurisdiction_code=actor.jurisdiction.code, name=name)
        audit.record(actor=actor, action="open311.key_issued_by_staff", target=row, after={"name": row.name})
    return row, plain


def revoke(actor: Actor, key_id: int) -> Open311Key:
    with transaction.atomic():
        row = get_or_404(actor, Open311Key.objects.select_for_update(), "client.manage", pk=key_id)
        if not row.active:
            raise Conflict(_("This key is already revoked."), code="already_revoked")
        row.active = False
        row.save(update_fields=["active"])
        audit.record(
            actor=actor,
            action="open311.key_revoked",
            target=row,
            before={"active": True},
            after={"active": False, "name": row.name},
        )
    return row


@router.get("/keys", response=list[KeyOut], summary="Open311 API keys of the district (never the key itself)")
def get_keys(request: ActorRequest) -> Any:
    return list_keys(request.auth)


@router.post("/keys", response={201: IssuedKeyOut}, summary="Issue an Open311 API key (shown once)")
def post_key(request: ActorRequest, payload: KeyIn) -> Any:
    row, plain = issue(request.auth, payload.name)
    return Status(201, {"key": _key_out(row), "api_key": plain})


@router.post("/keys/{key_id}/revoke", response=KeyOut, summary="Revoke an Open311 API key at once")
def post_revoke(request: ActorRequest, key_id: int) -> Any:
    row = revoke(request.auth, key_id)
    return _key_out(row, Open311Request.objects.filter(key=row).count())


# -------------------------------------------------------------------------- services and attributes


def _services(actor: Actor) -> list[dict[str, Any]]:
    """The categories Open311 publishes as services: in use, without sub-categories."""
    cats = restrict(actor, Category.objects.filter(retired_at__isnull=True), "taxonomy.view")
    parents = set(cats.exclude(parent_id=None).values_list("parent_id", flat=True))
    names = dict(cats.values_list("pk", "name"))
    counts = dict(
        ServiceAttribute.objects.filter(jurisdiction_id=actor.jurisdiction.pk)
        .values("category_id")
        .annotate(n=Count("id"))
        .values_list("category_id", "n")
    )
    out = []
    for c in cats.order_by("code"):
        if c.pk in parents:
            continue
        out.append(
            {
                "category_id": c.pk,
                "code": c.code,
                "name": c.name,
                "group": names.get(c.parent_id, "") if c.parent_id else "",
                "attributes": counts.get(c.pk, 0),
            }
        )
    return out


def _attribute_out(a: ServiceAttribute) -> dict[str, Any]:
    return {
        "id": a.pk,
        "category_id": a.category_id,
        "code": a.code,
        "description": a.description,
        "datatype": a.datatype,
        "datatype_label": str(Datatype(a.datatype).label) if a.datatype in Datatype.values else a.datatype,
        "required": a.required,
        "variable": a.variable,
        "datatype_description": a.datatype_description,
        "order": a.order,
        "values": [{"key": str(v.get("key", "")), "name": str(v.get("name", ""))} for v in a.values],
    }


def _category(actor: Actor, category_id: int) -> Category:
    require(actor, "taxonomy.manage")
    return get_or_404(
        actor, Category.objects.filter(retired_at__isnull=True), "taxonomy.view", pk=category_id
    )


def _clean(data: AttributeIn) -> dict[str, Any]:
    code = data.code.strip()
    if not CODE.match(code):
        raise InvalidInput(
            _("A code is letters, digits, _ and - (64 at most): clients send it as attribute[code]."),
            field="code",
        )
    texts = [
        data.description,
        data.datatype_description,
        *(v.name for v in data.values),
        *(v.key for v in data.values),
    ]
    if any(is_unclean(t) for t in texts):
        raise InvalidInput(_("Control characters are not allowed."), field="description")
    values = [{"key": v.key.strip(), "name": v.name.strip()} for v in data.values]
    if data.datatype in LIST_TYPES:
        if not values:
            raise InvalidInput(_("A list needs at least one value."), code="values_required", field="values")
        keys = [v["key"] for v in values]
        if len(set(keys)) != len(keys):
            raise InvalidInput(_("Each value needs its own key."), code="duplicate_value", field="values")
    else:
        values = []  # only lists have values (GeoReport)
    return {
        "code": code,
        "description": data.description.strip(),
        "datatype": data.datatype,
        "required": data.required,
        "variable": data.variable,
        "datatype_description": data.datatype_description.strip(),
        "order": data.order,
        "values": values,
    }


def save_attribute(
    actor: Actor, *, category_id: int, data: AttributeIn, attribute_id: int | None = None
) -> ServiceAttribute:
    category = _category(actor, category_id)
    fields = _clean(data)
    with transaction.atomic():
        if attribute_id is None:
            row = ServiceAttribute(jurisdiction=actor.jurisdiction, category=category)
            before: dict[str, Any] = {}
        else:
            found = (
                ServiceAttribute.objects.select_for_update()
                .filter(pk=attribute_id, category=category, jurisdiction_id=actor.jurisdiction.pk)
                .first()
            )
            if found is None:
                raise NotFound()
            row = found
            before = audit.snapshot(row, ATTRIBUTE_FIELDS)
        for name, value in fields.items():
            setattr(row, name, value)
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError as exc:
            raise Conflict(
                _("This service has an attribute with this code."), code="attribute_code_taken", field="code"
            ) from exc
        audit.record(
            actor=actor,
            action="open311.attribute_created" if attribute_id is None else "open311.attribute_changed",
            target=category,
            before=before,
            after=audit.snapshot(row, ATTRIBUTE_FIELDS),
        )
    return row


def delete_attribute(actor: Actor, *, category_id: int, attribute_id: int) -> None:
    category = _category(actor, category_id)
    with transaction.atomic():
        row = ServiceAttribute.objects.filter(
            pk=attribute_id, category=category, jurisdiction_id=actor.jurisdiction.pk
        ).first()
        if row is None:
            raise NotFound()
        before = audit.snapshot(row, ATTRIBUTE_FIELDS)
        row.delete()
        audit.record(actor=actor, action="open311.attribute_deleted", target=category, before=before)


@router.get("/services", response=list[ServiceOut], summary="Categories published as Open311 services")
def get_services(request: ActorRequest) -> Any:
    return _services(request.auth)


@router.get(
    "/services/{category_id}/attributes",
    response=list[AttributeOut],
    summary="A service's attributes, in their order",
)
def get_attributes(request: ActorRequest, category_id: int) -> Any:
    category = get_or_404(request.auth, Category.objects.all(), "taxonomy.view", pk=category_id)
    rows = ServiceAttribute.objects.filter(category=category).order_by("order", "code")
    return [_attribute_out(a) for a in rows]


@router.post(
    "/services/{category_id}/attributes",
    response={201: AttributeOut},
    summary="Add an attribute to a service (audited)",
)
def post_attribute(request: ActorRequest, category_id: int, payload: AttributeIn) -> Any:
    return Status(201, _attribute_out(save_attribute(request.auth, category_id=category_id, data=payload)))


@router.put(
    "/services/{category_id}/attributes/{attribute_id}",
    response=AttributeOut,
    summary="Change a service's attribute (audited)",
)
def put_attribute(request: ActorRequest, category_id: int, attribute_id: int, payload: AttributeIn) -> Any:
    row = save_attribute(request.auth, category_id=category_id, data=payload, attribute_id=attribute_id)
    return _attribute_out(row)


@router.delete(
    "/services/{category_id}/attributes/{attribute_id}",
    response={204: None},
    summary="Remove a service's attribute (audited; answers already given stay on their requests)",
)
def remove_attribute(request: ActorRequest, category_id: int, attribute_id: int) -> Any:
    delete_attribute(request.auth, category_id=category_id, attribute_id=attribute_id)
    return Status(204, None)
