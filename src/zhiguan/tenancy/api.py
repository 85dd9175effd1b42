from django.http import HttpRequest
from ninja import Router, Schema

router = Router(tags=["tenancy"])


class JurisdictionOut(Schema):
    code: str
    name: str


@router.get("/current", response=JurisdictionOut, summary="The caller's jurisdiction")
def current_jurisdiction(request: HttpRequest) -> object:
    return request.auth.jurisdiction
