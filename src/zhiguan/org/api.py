from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from ninja import Router, Status

from zhiguan.errors import NotAuthenticated, RateLimited
from zhiguan.org import duty, services
from zhiguan.org.models import ApiClient, Department, GridDuty, Role, User
from zhiguan.org.permissions import Actor, get_or_404, require, restrict
from zhiguan.org.schemas import (
    ClientIn,
    ClientOut,
    DepartmentActiveIn,
    DepartmentChangeOut,
    DepartmentIn,
    DepartmentMoveIn,
    DepartmentOut,
    DepartmentPatch,
    GridDutyIn,
    GridDutyOut,
    LoginIn,
    MeOut,
    PasswordResetIn,
    PersonIn,
    PersonOut,
    PersonPatch,
    PersonRevealOut,
    RevealIn,
    RoleOut,
    TokenIn,
    TokenOut,
)
from zhiguan.throttling import AnonThrottle

auth_router = Router(tags=["auth"])
router = Router(tags=["org"])


def _me(request: HttpRequest, actor: Actor) -> dict:
    user = actor.user
    assert user is not None
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "is_staff": user.is_staff,
        "jurisdiction_code": actor.jurisdiction.code,
        "jurisdiction_name": actor.jurisdiction.name,
        "department_id": user.department_id,
        "department_name": user.department.name if user.department else None,
        "roles": actor.role_codes,
        "permissions": dict(sorted(actor.grants.items())),
        "csrf_token": get_token(request),
    }


@auth_router.post(
    "/login",
    auth=None,
    response=MeOut,
    throttle=[AnonThrottle("ZHIGUAN_LOGIN_RATE", scope="login")],
    summary="Log in with user name and password (locked after repeated failures)",
)
def login_view(request: HttpRequest, payload: LoginIn) -> dict:
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        from django.conf import settings

        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        raise RateLimited(
            _("Too many failed log-ins. Try again in %(minutes)d minutes.") % {"minutes": minutes},
            code="login_locked",
            retry_after_minutes=minutes,
        )
    if user is None:
        raise NotAuthenticated(_("Wrong user name or password."), code="invalid_credentials")
    actor = Actor.for_user(user)  # type: ignore[arg-type]
    if actor is None:
        raise NotAuthenticated(_("This account belongs to no jurisdiction."), code="no_jurisdiction")
    login(request, user)
    return _me(request, actor)


@auth_router.post("/logout", summary="Log out")
def logout_view(request: HttpRequest) -> dict:
    logout(request)
    return {"ok": True}


@auth_router.get("/me", response=MeOut, summary="Who am I, with roles and permissions")
def me_view(request: HttpRequest) -> dict:
    if request.auth.user is None:
        raise NotAuthenticated()
    return _me(request, request.auth)


def _dept_out(d: Department) -> dict:
    return {
        "id": d.pk,
        "parent_id": d.parent_id,
        "code": d.code,
        "name": d.name,
        "kind": d.kind,
        "duty_phone": d.duty_phone,
        "active": d.active,
        "depth": d.path.count("/") - 2,
        "leader_id": d.leader_id,
    }


@router.get("/departments", response=list[DepartmentOut], summary="Department tree in depth-first order")
def list_departments(request: HttpRequest, include_inactive: bool = False) -> list[dict]:
    qs = restrict(request.auth, Department.objects.all(), "department.view")
    if not include_inactive:
        qs = qs.filter(active=True)
    return [_dept_out(d) for d in qs.order_by("path")]


@router.get("/departments/{department_id}", response=DepartmentOut)
def get_department(request: HttpRequest, department_id: int) -> dict:
    return _dept_out(get_or_404(request.auth, Department.objects.all(), "department.view", pk=department_id))


@router.post("/departments", response={201: DepartmentOut})
def create_department(request: HttpRequest, payload: DepartmentIn) -> Status:
    dept = services.create_department(actor=request.auth, **payload.dict())
    return Status(201, _dept_out(dept))


@router.patch("/departments/{department_id}", response=DepartmentOut)
def update_department(request: HttpRequest, department_id: int, payload: DepartmentPatch) -> dict:
    return _dept_out(
        services.update_department(actor=request.auth, department_id=department_id, **payload.dict())
    )


@router.post("/departments/{department_id}/move", response=DepartmentOut)
def move_department(request: HttpRequest, department_id: int, payload: DepartmentMoveIn) -> dict:
    dept = services.move_department(
        actor=request.auth,
        department_id=department_id,
        new_parent_id=payload.parent_id,
        reason=payload.reason,
    )
    return _dept_out(dept)


@router.post("/departments/{department_id}/active", response=DepartmentOut)
def set_department_active(request: HttpRequest, department_id: int, payload: DepartmentActiveIn) -> dict:
    dept = services.set_department_active(
        actor=request.auth, department_id=department_id, active=payload.active, reason=payload.reason
    )
    return _dept_out(dept)


@router.get("/departments/{department_id}/history", response=list[DepartmentChangeOut])
def department_history(request: HttpRequest, department_id: int) -> list[dict]:
    dept = get_or_404(request.auth, Department.objects.all(), "department.view", pk=department_id)
    return [
        {
            "kind": c.kind,
            "at": c.at,
            "actor": str(c.actor) if c.actor else None,
            "before": c.before,
            "after": c.after,
            "reason": c.reason,
        }
        for c in dept.history.select_related("actor")
    ]


def _person_out(u: User) -> dict:
    return {
        "id": u.pk,
        "username": u.username,
        "full_name": u.full_name,
        "department_id": u.department_id,
        "roles": sorted(r.code for r in u.roles.all()),
        "mobile_masked": services.mask_phone(u.mobile),
        "is_active": u.is_active,
    }


@router.get("/people", response=list[PersonOut])
def list_people(request: HttpRequest, department_id: int | None = None) -> list[dict]:
    qs = restrict(request.auth, User.objects.prefetch_related("roles"), "person.view")
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    return [_person_out(u) for u in qs.order_by("username")[:1000]]


@router.post("/people", response={201: PersonOut})
def create_person(request: HttpRequest, payload: PersonIn) -> Status:
    return Status(201, _person_out(services.create_person(actor=request.auth, **payload.dict())))


@router.patch("/people/{person_id}", response=PersonOut, summary="Change roles, department or active flag")
def update_person(request: HttpRequest, person_id: int, payload: PersonPatch) -> dict:
    return _person_out(services.update_person(actor=request.auth, person_id=person_id, **payload.dict()))


@router.post("/people/{person_id}/password", response=PersonOut, summary="Set a temporary password (audited)")
def reset_password(request: HttpRequest, person_id: int, payload: PasswordResetIn) -> dict:
    person = services.reset_password(
        actor=request.auth, person_id=person_id, password=payload.password, reason=payload.reason
    )
    return _person_out(person)


@router.post(
    "/people/{person_id}/reveal", response=PersonRevealOut, summary="Reveal masked personal data (audited)"
)
def reveal_person(request: HttpRequest, person_id: int, payload: RevealIn) -> dict:
    return services.reveal_person(actor=request.auth, person_id=person_id, reason=payload.reason)


@router.get("/roles", response=list[RoleOut])
def list_roles(request: HttpRequest) -> object:
    require(request.auth, "person.view")
    return Role.objects.all()


@router.get("/clients", response=list[ClientOut])
def list_clients(request: HttpRequest) -> object:
    return list(restrict(request.auth, ApiClient.objects.all(), "client.manage"))


@router.post("/clients", response={201: ClientOut})
def create_client(request: HttpRequest, payload: ClientIn) -> Status:
    return Status(201, services.create_client(actor=request.auth, **payload.dict()))


@router.post("/clients/{client_id}/tokens", response={201: TokenOut}, summary="Issue a token (shown once)")
def issue_token(request: HttpRequest, client_id: int, payload: TokenIn) -> Status:
    token, plain = services.issue_token(
        actor=request.auth, client_id=client_id, expires_at=payload.expires_at
    )
    return Status(201, {"prefix": token.prefix, "token": plain, "expires_at": token.expires_at})


@router.delete("/tokens/{prefix}", summary="Revoke a token")
def revoke_token(request: HttpRequest, prefix: str) -> dict:
    services.revoke_token(actor=request.auth, prefix=prefix)
    return {"ok": True}


def _duty_out(d: GridDuty) -> dict:
    return {
        "grid_id": d.area_id,
        "grid_code": d.area.code,
        "grid_name": d.area.name,
        "grid_label": duty.grid_label(d.area),
        "person_id": d.person_id,
        "person_name": str(d.person),
        "since": d.since,
    }


@router.get(
    "/grid-duties", response=list[GridDutyOut], summary="Which inspector is on duty for which grid now"
)
def grid_duties(
    request: HttpRequest, street_id: int | None = None, person_id: int | None = None
) -> list[dict]:
    rows = duty.current_duties(actor=request.auth, street_id=street_id, person_id=person_id)
    return [_duty_out(d) for d in rows]


@router.put(
    "/grid-duties/{grid_id}",
    response={200: GridDutyOut, 204: None},
    summary="Put an inspector on duty for a grid (null: nobody); the previous duty is ended, audited",
)
def set_grid_duty(request: HttpRequest, grid_id: int, payload: GridDutyIn) -> Status:
    d = duty.set_grid_duty(actor=request.auth, grid_id=grid_id, person_id=payload.person_id)
    return Status(200, _duty_out(d)) if d is not None else Status(204, None)
