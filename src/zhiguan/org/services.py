"""All writes to departments, people, roles and machine clients. Each writes its audit record."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.errors import Conflict, InvalidInput, NotFound
from zhiguan.org.auth import TOKEN_PREFIX, hash_token
from zhiguan.org.models import (
    ApiClient,
    ApiToken,
    ClientKind,
    DataScope,
    Department,
    DepartmentChange,
    DepartmentKind,
    Role,
    User,
    phone_validator,
)
from zhiguan.org.permissions import (
    ACTIONS,
    BUILTIN_ROLES,
    Actor,
    get_or_404,
    require,
    require_within_grants,
    widest_grants,
)

DEPARTMENT_FIELDS = ["code", "name", "kind", "duty_phone", "active", "parent", "leader"]


def ensure_builtin_roles(*, using: str = "default") -> None:
    """Create or refresh the built-in roles so that they always match the code's table."""
    for code, (name, scope, actions) in BUILTIN_ROLES.items():
        Role.objects.using(using).update_or_create(
            code=code, defaults={"name": name, "data_scope": scope, "permissions": actions, "builtin": True}
        )


def _validate_phone(value: str, field: str) -> None:
    if not value:
        return
    try:
        phone_validator(value)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], field=field) from exc


def _record_change(
    dept: Department, *, actor: Actor, kind: str, before: dict, after: dict, reason: str = ""
) -> None:
    DepartmentChange.objects.create(
        jurisdiction_id=dept.jurisdiction_id,
        department=dept,
        kind=kind,
        actor=actor.user,
        before=before,
        after=after,
        reason=reason,
    )
    audit.record(actor=actor, action=f"department.{kind}", target=dept, before=before or None, after=after)


def department_path(parent: Department | None, pk: int) -> str:
    """Materialised path with fixed-width segments, so that ordering by path is depth-first with
    siblings in creation order ("/0000000002/" sorts before "/0000000010/")."""
    return f"{parent.path if parent else '/'}{pk:010d}/"


def _set_path(dept: Department) -> None:
    dept.path = department_path(dept.parent, dept.pk)


@transaction.atomic
def create_department(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    parent_id: int | None = None,
    duty_phone: str = "",
) -> Department:
    """Create a department under `parent_id` (or as a root); the code is unique in the jurisdiction."""
    require(actor, "department.manage")
    if kind not in DepartmentKind.values:
        raise InvalidInput(_("Unknown department type."), field="kind", allowed=list(DepartmentKind.values))
    _validate_phone(duty_phone, "duty_phone")
    if not code.strip() or not name.strip():
        raise InvalidInput(
            _("A department needs a code and a name."), field="code" if not code.strip() else "name"
        )
    parent = (
        get_or_404(actor, Department.objects.all(), "department.manage", pk=parent_id) if parent_id else None
    )
    if Department.objects.filter(jurisdiction=actor.jurisdiction, code=code).exists():
        raise Conflict(_("Another department already has this code."), code="duplicate_code", field="code")
    dept = Department.objects.create(
        jurisdiction=actor.jurisdiction,
        parent=parent,
        code=code.strip(),
        name=name.strip(),
        kind=kind,
        duty_phone=duty_phone,
    )
    _set_path(dept)
    dept.save(update_fields=["path"])
    _record_change(dept, actor=actor, kind="created", before={}, after=_dept_state(dept))
    return dept


def _dept_state(dept: Department) -> dict[str, Any]:
    return audit.snapshot(dept, DEPARTMENT_FIELDS)


@transaction.atomic
def update_department(
    *,
    actor: Actor,
    department_id: int,
    name: str | None = None,
    duty_phone: str | None = None,
    leader_id: int | None = None,
    clear_leader: bool = False,
    reason: str = "",
) -> Department:
    """Rename a department, change its duty phone or its leader (who receives escalations);
    the old values stay in its history. The leader must be an active person of this department."""
    dept = get_or_404(actor, Department.objects.select_for_update(), "department.manage", pk=department_id)
    before = _dept_state(dept)
    if name is not None:
        if not name.strip():
            raise InvalidInput(_("A department needs a code and a name."), field="name")
        dept.name = name.strip()
    if duty_phone is not None:
        _validate_phone(duty_phone, "duty_phone")
        dept.duty_phone = duty_phone
    if clear_leader:
        dept.leader = None
    elif leader_id is not None:
        leader = User.objects.filter(
            pk=leader_id, jurisdiction_id=actor.jurisdiction.pk, department=dept, is_active=True
        ).first()
        if leader is None:
            raise InvalidInput(
                _("The leader must be an active member of this department."), field="leader_id"
            )
        dept.leader = leader
    dept.save()
    _record_change(dept, actor=actor, kind="updated", before=before, after=_dept_state(dept), reason=reason)
    return dept


@transaction.atomic
def move_department(
    *, actor: Actor, department_id: int, new_parent_id: int | None, reason: str = ""
) -> Department:
    """Move a department (and everything below it) under another parent. A node cannot move under itself."""
    dept = get_or_404(actor, Department.objects.select_for_update(), "department.manage", pk=department_id)
    parent = (
        get_or_404(actor, Department.objects.all(), "department.manage", pk=new_parent_id)
        if new_parent_id
        else None
    )
    if parent is not None and parent.path.startswith(dept.path):
        raise InvalidInput(
            _("A department cannot move under itself or its own sub-department."), field="parent_id"
        )
    before = _dept_state(dept)
    old_path = dept.path
    dept.parent = parent
    _set_path(dept)
    dept.save()
    for child in Department.objects.filter(jurisdiction=dept.jurisdiction, path__startswith=old_path).exclude(
        pk=dept.pk
    ):
        child.path = dept.path + child.path[len(old_path) :]
        child.save(update_fields=["path"])
    _record_change(dept, actor=actor, kind="moved", before=before, after=_dept_state(dept), reason=reason)
    return dept


@transaction.atomic
def set_department_active(*, actor: Actor, department_id: int, active: bool, reason: str = "") -> Department:
    """Deactivate (or reactivate) a department. It is kept, with its history; it just takes no new work."""
    dept = get_or_404(actor, Department.objects.select_for_update(), "department.manage", pk=department_id)
    if dept.active == active:
        return dept
    if not active and Department.objects.filter(parent=dept, active=True).exists():
        raise Conflict(_("Deactivate or move its active sub-departments first."), code="has_active_children")
    before = _dept_state(dept)
    dept.active = active
    dept.save(update_fields=["active", "updated_at"])
    kind = "reactivated" if active else "deactivated"
    _record_change(dept, actor=actor, kind=kind, before=before, after=_dept_state(dept), reason=reason)
    return dept


def _roles(actor: Actor, role_codes: list[str]) -> list[Role]:
    roles = list(Role.objects.filter(code__in=role_codes))
    if len(roles) != len(set(role_codes)):
        unknown = sorted(set(role_codes) - {r.code for r in roles})
        raise InvalidInput(_("Unknown role."), field="role_codes", unknown=unknown)
    require_within_grants(actor, widest_grants(roles), field="role_codes")
    return roles


def _person_state(user: User) -> dict[str, Any]:
    return {
        "full_name": user.full_name,
        "department": user.department_id,
        "is_active": user.is_active,
        "roles": sorted(r.code for r in user.roles.all()),
    }


@transaction.atomic
def update_person(
    *,
    actor: Actor,
    person_id: int,
    full_name: str | None = None,
    department_id: int | None = None,
    role_codes: list[str] | None = None,
    mobile: str | None = None,
    is_active: bool | None = None,
    reason: str = "",
) -> User:
    """Change a person's name, department, roles, mobile or active flag (deactivated people cannot
    log in; they are never deleted, so their past actions keep a name). New roles grant nothing the
    actor does not hold. Audited with before/after; the mobile number itself is not written to the log."""
    person = get_or_404(actor, User.objects.select_for_update(), "person.manage", pk=person_id)
    before = _person_state(person)
    if full_name is not None:
        if not full_name.strip():
            raise InvalidInput(_("A name is required."), field="full_name")
        person.full_name = full_name.strip()
    if department_id is not None:
        person.department = get_or_404(actor, Department.objects.all(), "department.view", pk=department_id)
    if mobile is not None:
        _validate_phone(mobile, "mobile")
        person.mobile = mobile
    if is_active is not None:
        if not is_active and actor.user is not None and actor.user.pk == person.pk:
            raise Conflict(_("You cannot deactivate yourself."), code="self_deactivation")
        person.is_active = is_active
    roles = _roles(actor, role_codes) if role_codes is not None else None
    person.save()
    if roles is not None:
        person.roles.set(roles)
    # The number itself stays out of the log; only that it changed.
    after = {**_person_state(person), "mobile_changed": mobile is not None}
    audit.record(actor=actor, action="person.updated", target=person, before=before, after=after, note=reason)
    return person


@transaction.atomic
def create_person(
    *,
    actor: Actor,
    username: str,
    full_name: str,
    password: str,
    role_codes: list[str],
    department_id: int | None = None,
    mobile: str = "",
) -> User:
    """Create a member of staff in the actor's jurisdiction with the given roles (none granting more
    than the actor holds)."""
    require(actor, "person.manage")
    if not username.strip():
        raise InvalidInput(_("A log-in name is required."), field="username")
    if User.objects.filter(username=username).exists():
        raise Conflict(_("This log-in name is taken."), code="duplicate_username", field="username")
    _validate_phone(mobile, "mobile")
    roles = _roles(actor, role_codes)
    department = (
        get_or_404(actor, Department.objects.all(), "department.view", pk=department_id)
        if department_id
        else None
    )
    user = User(
        username=username,
        full_name=full_name,
        jurisdiction=actor.jurisdiction,
        department=department,
        mobile=mobile,
    )
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from exc
    user.set_password(password)
    user.save()
    user.roles.set(roles)
    audit.record(
        actor=actor,
        action="person.created",
        target=user,
        after={
            "username": username,
            "full_name": full_name,
            "department": department_id,
            "roles": sorted(role_codes),
        },
    )
    return user


@transaction.atomic
def reset_password(*, actor: Actor, person_id: int, password: str, reason: str = "") -> User:
    """Set a temporary password for a person who lost theirs (the administrator hands it over in
    person). It must pass the same password rules as a new account's; a log-in lock-out of that
    name is lifted. The audit record says who reset whose password and why, never the password."""
    person = get_or_404(actor, User.objects.select_for_update(), "person.manage", pk=person_id)
    try:
        password_validation.validate_password(password, person)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from exc
    person.set_password(password)
    person.save(update_fields=["password"])
    from axes.utils import reset as lift_lockout

    lift_lockout(username=person.username)
    audit.record(
        actor=actor,
        action="person.password_reset",
        target=person,
        after={"password_reset": True},
        note=reason,
    )
    return person


def mask_phone(value: str) -> str:
    """138****5678: enough to recognise, not enough to call."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


@transaction.atomic
def reveal_person(*, actor: Actor, person_id: int, reason: str) -> dict[str, str]:
    """Show a person's unmasked personal data to a role allowed to see it; the reveal is audited."""
    require(actor, "person.reveal")
    if not reason.strip():
        raise InvalidInput(_("Say why you need to see this."), field="reason")
    person = get_or_404(actor, User.objects.all(), "person.view", pk=person_id)
    audit.record(
        actor=actor, action="person.revealed", target=person, after={"fields": ["mobile"]}, note=reason
    )
    return {"mobile": person.mobile}


@transaction.atomic
def create_client(*, actor: Actor, name: str, kind: str, scopes: list[str]) -> ApiClient:
    """Register a machine client (channel, smart module, integrated system) with the actions it may
    perform: known actions only, and none the actor does not hold jurisdiction-wide itself."""
    require(actor, "client.manage")
    if kind not in ClientKind.values:
        raise InvalidInput(
            _("Unknown client type."), code="unknown_kind", field="kind", allowed=list(ClientKind.values)
        )
    unknown = sorted(set(scopes) - set(ACTIONS))
    if unknown:
        raise InvalidInput(_("Unknown scope."), field="scopes", unknown=unknown)
    require_within_grants(actor, _client_grants(scopes), field="scopes")
    if ApiClient.objects.filter(jurisdiction=actor.jurisdiction, name=name).exists():
        raise Conflict(_("Another client already has this name."), code="duplicate_name", field="name")
    client = ApiClient.objects.create(
        jurisdiction=actor.jurisdiction, name=name, kind=kind, scopes=sorted(set(scopes))
    )
    audit.record(
        actor=actor, action="client.created", target=client, after={"kind": kind, "scopes": client.scopes}
    )
    return client


def _client_grants(scopes: list[str]) -> dict[str, str]:
    # A client's token acts on the whole jurisdiction (Actor.for_client).
    return dict.fromkeys(scopes, DataScope.JURISDICTION.value)


@transaction.atomic
def issue_token(*, actor: Actor, client_id: int, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Issue a new token for a client whose scopes the actor holds itself. The plain token is
    returned once and never stored."""
    client = get_or_404(actor, ApiClient.objects.all(), "client.manage", pk=client_id)
    require_within_grants(actor, _client_grants([a for a in client.scopes if a in ACTIONS]), field="scopes")
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidInput(_("The expiry must be in the future."), field="expires_at")
    prefix = secrets.token_hex(4)
    plain = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        jurisdiction=actor.jurisdiction,
        client=client,
        prefix=prefix,
        key_hash=hash_token(plain),
        expires_at=expires_at,
    )
    audit.record(
        actor=actor, action="token.issued", target=client, after={"prefix": prefix, "expires_at": expires_at}
    )
    return token, plain


@transaction.atomic
def revoke_token(*, actor: Actor, prefix: str) -> ApiToken:
    """Revoke a token at once; requests carrying it are refused from now on."""
    require(actor, "client.manage")
    token = (
        ApiToken.objects.select_for_update().filter(jurisdiction=actor.jurisdiction, prefix=prefix).first()
    )
    if token is None:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="token.revoked", target=token.client, after={"prefix": prefix})
    return token
