from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from zhiguan.audit.models import AuditRecord
from zhiguan.org.permissions import restrict
from zhiguan.schemas import ParamsSchema

router = Router(tags=["audit"])


class AuditOut(Schema):
    id: int
    at: datetime
    actor_label: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: dict | None
    after: dict | None
    note: str
    ip: str | None
    request_id: str


class AuditFilter(ParamsSchema):
    action: str | None = Field(None, max_length=64)
    object_type: str | None = Field(None, max_length=64)
    object_id: str | None = Field(None, max_length=64)
    before_id: int | None = None
    limit: int = 100


@router.get(
    "/records", response=list[AuditOut], summary="Audit log, newest first (keyset paging by before_id)"
)
def list_records(request: HttpRequest, filters: Query[AuditFilter]) -> object:
    qs = restrict(request.auth, AuditRecord.objects.all(), "audit.view")
    for name in ("action", "object_type", "object_id"):
        if (value := getattr(filters, name)) is not None:
            qs = qs.filter(**{name: value})
    if filters.before_id is not None:
        qs = qs.filter(id__lt=filters.before_id)
    return list(qs.order_by("-id")[: max(1, min(filters.limit, 500))])
