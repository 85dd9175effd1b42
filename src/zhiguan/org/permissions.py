"""Who may do what, and over which records: the one place where permissions are decided.

A person's roles grant actions, each within a data scope (whole jurisdiction, own department and
below, own department, only self). `require` answers "may this actor do this at all" (403 when
not); `restrict` narrows a queryset to the jurisdiction and the scope (records outside it are
simply absent, so a probe for them ends in 404).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from zhiguan.errors import Forbidden, NotFound
from zhiguan.org.models import DataScope

if TYPE_CHECKING:
    from zhiguan.org.models import ApiClient, Department, Role, User
    from zhiguan.tenancy.models import Jurisdiction

# Every action the platform checks. Keys are stable codes; tokens and roles store them.
ACTIONS: dict[str, str] = {
    "department.view": "see departments",
    "department.manage": "create, rename, move and deactivate departments",
    "person.view": "see people",
    "person.manage": "create people and assign roles",
    "person.reveal": "reveal a person's masked personal data",
    "client.manage": "register machine clients and issue their API tokens",
    "audit.view": "read the audit log",
    "geo.view": "see streets, communities and grids; locate points",
    "geo.manage": "import geography",
    "registry.view": "see the base registries: addresses, roads, buildings, points of interest, components, cameras",
    "registry.manage": "add, change, import and retire records of the base registries",
    "taxonomy.view": "see the category taxonomy",
    "taxonomy.manage": "edit and retire categories and deadline profiles",
    "calendar.view": "see the working-day calendar and compute deadlines",
    "calendar.manage": "override holidays and office hours",
    "case.view": "see cases, their timelines and attachments",
    "case.create": "register cases",
    "case.act": "perform workflow actions on cases (the workflow table decides which)",
    "case.reveal": "reveal the masked personal data of a case's reporters",
    "case.export": "export case lists as CSV or Excel",
    "case.import": "import closed cases from a previous system (history for trends and forecasts)",
    "routing.view": "see routing rules and try where a case would go",
    "routing.manage": "create and revise routing rules",
    "supervision.view": "see supervision notices and the supervision board",
    "supervision.issue": "issue supervision notices (督办) to departments",
    "supervision.answer": "answer the supervision notices sent to one's department",
    "video.report": "report heartbeats of video devices and cameras (machine clients)",
    "video.view_stream": "see the stream addresses of cameras",
    "classification.manage": "train, activate and roll back request classifiers and set their threshold",
    "duplicates.manage": "switch automatic merging of duplicates on or off and set its threshold",
    "evaluation.manage": "set the evaluation scheme: indicators, weights, grades, minimum sample",
    "evaluation.publish": "publish (通报) a month's department ranking and its corrections",
}

_VIEW_BASICS = ["department.view", "geo.view", "registry.view", "taxonomy.view", "calendar.view"]
_CASE_DESK = ["case.view", "case.create", "case.act", "case.reveal", "routing.view"]

# code: (Chinese name, data scope, actions). The administrator has every action.
BUILTIN_ROLES: dict[str, tuple[str, str, list[str]]] = {
    "intake_operator": ("受理员", DataScope.JURISDICTION, [*_VIEW_BASICS, "person.view", *_CASE_DESK]),
    "dispatcher": (
        "派遣员",
        DataScope.JURISDICTION,
        [
            *_VIEW_BASICS,
            "person.view",
            "person.reveal",
            *_CASE_DESK,
            "case.export",
            "supervision.view",
            "video.view_stream",
        ],
    ),
    "supervisor": (
        "督办员",
        DataScope.JURISDICTION,
        [
            *_VIEW_BASICS,
            "person.view",
            "person.reveal",
            *_CASE_DESK,
            "case.export",
            "routing.manage",
            "supervision.view",
            "supervision.issue",
            "evaluation.publish",
            "video.view_stream",
        ],
    ),
    "handler": (
        "承办人员",
        DataScope.DEPARTMENT,
        [*_VIEW_BASICS, "person.view", "case.view", "case.act", "supervision.view", "supervision.answer"],
    ),
    "inspector": ("监督员", DataScope.SELF, [*_VIEW_BASICS, "case.view", "case.create", "case.act"]),
    "leader": (
        "领导",
        DataScope.JURISDICTION,
        [
            *_VIEW_BASICS,
            "person.view",
            "audit.view",
            "case.view",
            "case.export",
            "routing.view",
            "supervision.view",
        ],
    ),
    "data_officer": (
        "数据官",
        DataScope.DEPARTMENT_TREE,
        [*_VIEW_BASICS, "person.view", "geo.manage", "registry.manage", "video.view_stream"],
    ),
    "admin": ("系统管理员", DataScope.JURISDICTION, list(ACTIONS)),
}

# Wider first: an actor holding an action through several roles gets the widest scope.
_SCOPE_ORDER: list[str] = [
    DataScope.JURISDICTION,
    DataScope.DEPARTMENT_TREE,
    DataScope.DEPARTMENT,
    DataScope.SELF,
]
_WHOLE: str = DataScope.JURISDICTION.value


class ActorKind(StrEnum):
    PERSON = "person"
    CLIENT = "client"
    SYSTEM = "system"
    # A citizen with no account who proved to be the reporter of one record (a case): by the
    # record's number and the last digits of their phone, or by a signed link.
    CITIZEN = "citizen"


# The one role a citizen acts in (the workflow table names it on the rows a citizen may perform).
CITIZEN_ROLE = "citizen"


@dataclass(frozen=True)
class Actor:
    """Whoever makes a request: a person (with roles), a machine client (with token scopes), the
    platform itself, or a citizen proved to be the reporter of one record (`Actor.citizen`)."""

    jurisdiction: Jurisdiction
    grants: dict[str, str] = field(default_factory=dict)
    user: User | None = None
    client: ApiClient | None = None
    department: Department | None = None
    # The person's role codes, read once when the actor is built (`for_user`); None: read on use.
    roles: tuple[str, ...] | None = field(default=None, compare=False, repr=False)
    kind: ActorKind = ActorKind.SYSTEM
    # For a citizen: the id of the one record they proved access to (their `self` data scope).
    record_id: int | None = None

    @property
    def label(self) -> str:
        if self.user is not None:
            return str(self.user)
        if self.kind == ActorKind.CITIZEN:
            return "citizen"
        return f"client:{self.client}" if self.client is not None else "system"

    @property
    def role_codes(self) -> list[str]:
        if self.kind == ActorKind.CITIZEN:
            return [CITIZEN_ROLE]
        if self.user is None:
            # The platform acting in a workflow role (automatic merging, docs/decisions/087).
            return list(self.roles or ())
        if self.roles is not None:
            return list(self.roles)
        return sorted(r.code for r in self.user.roles.all())

    def can(self, action: str) -> bool:
        return action in self.grants

    def scope_for(self, action: str) -> str:
        return self.grants[action]

    @classmethod
    def for_user(cls, user: User) -> Actor | None:
        """The actor of a logged-in person; None when the person has no jurisdiction (cannot use the API)."""
        jurisdiction = user.jurisdiction
        if jurisdiction is None or not user.is_active:
            return None
        roles = list(user.roles.all())
        grants = dict.fromkeys(ACTIONS, _WHOLE) if user.is_superuser else widest_grants(roles)
        return cls(
            jurisdiction=jurisdiction,
            grants=grants,
            user=user,
            department=user.department,
            roles=tuple(sorted(r.code for r in roles)),
            kind=ActorKind.PERSON,
        )

    @classmethod
    def for_client(cls, client: ApiClient) -> Actor:
        grants = {a: _WHOLE for a in client.scopes if a in ACTIONS}
        return cls(jurisdiction=client.jurisdiction, grants=grants, client=client, kind=ActorKind.CLIENT)

    @classmethod
    def citizen(cls, jurisdiction: Jurisdiction, *, record_id: int, actions: tuple[str, ...]) -> Actor:
        """A reporter without an account, proved for one record: `actions` on that record only."""
        grants = dict.fromkeys(actions, DataScope.SELF.value)
        return cls(jurisdiction=jurisdiction, grants=grants, kind=ActorKind.CITIZEN, record_id=record_id)

    @classmethod
    def system(cls, jurisdiction: Jurisdiction) -> Actor:
        """The platform itself (demo loader, periodic jobs): every action, whole jurisdiction."""
        return cls(jurisdiction=jurisdiction, grants=dict.fromkeys(ACTIONS, _WHOLE))


def require(actor: Actor, action: str) -> None:
    """Raise Forbidden (403) unless the actor's roles or token scopes grant `action`."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if not actor.can(action):
        raise Forbidden(action=action)


def require_within_grants(actor: Actor, wanted: Mapping[str, str], *, field: str) -> None:
    """Raise Forbidden (403, `grant_exceeds_own`) unless the actor holds every action of `wanted`
    with at least its data scope: nobody hands out more than they hold, whether a token with
    `client.manage` minting a wider client or token, or a manager granting a role above their own."""
    exceeding = sorted(
        action
        for action, scope in wanted.items()
        if action not in actor.grants or _SCOPE_ORDER.index(actor.grants[action]) > _SCOPE_ORDER.index(scope)
    )
    if exceeding:
        raise Forbidden(
            _("You cannot grant actions or data scopes you do not hold yourself."),
            code="grant_exceeds_own",
            field=field,
            exceeding=exceeding,
        )


def widest_grants(roles: Iterable[Role]) -> dict[str, str]:
    """What a set of roles grants: each action with the widest data scope any of them gives it."""
    grants: dict[str, str] = {}
    for role in roles:
        for action in role.permissions:
            current = grants.get(action)
            if current is None or _SCOPE_ORDER.index(role.data_scope) < _SCOPE_ORDER.index(current):
                grants[action] = role.data_scope
    return grants


def scope_q(actor: Actor, model: type[Model], scope: str) -> Q:
    """The filter for one data scope on one model.

    A model says how it relates to departments and people with `scope_department_path` (the
    lookup of a department's materialised path) and `scope_owner` (the lookup of the person who
    owns the record); a model may instead define `data_scope_q(actor, scope)` for richer rules.
    """
    custom = getattr(model, "data_scope_q", None)
    if custom is not None:
        return custom(actor, scope)
    if scope == DataScope.JURISDICTION:
        return Q()
    dept_path = getattr(model, "scope_department_path", None)
    owner = getattr(model, "scope_owner", None)
    if scope == DataScope.SELF:
        if owner and actor.user is not None:
            return Q(**{owner: actor.user.pk})
        return Q(pk__in=[])
    if dept_path is None:
        # Records unrelated to departments (grids, categories) are shared jurisdiction-wide.
        return Q()
    if actor.department is None:
        return Q(pk__in=[])
    if scope == DataScope.DEPARTMENT_TREE:
        return Q(**{f"{dept_path}__startswith": actor.department.path})
    return Q(**{dept_path: actor.department.path})


def restrict(actor: Actor, queryset: QuerySet[Any], action: str) -> QuerySet[Any]:
    """`queryset` narrowed to what `actor` may `action`: same jurisdiction, within the data scope."""
    require(actor, action)
    model = queryset.model
    queryset = queryset.filter(jurisdiction_id=actor.jurisdiction.pk)
    return queryset.filter(scope_q(actor, model, actor.scope_for(action)))


def get_or_404(actor: Actor, queryset: QuerySet[Any], action: str, **lookup: Any) -> Any:
    """One record the actor may `action`, or NotFound: out of scope and absent look the same."""
    obj = restrict(actor, queryset, action).filter(**lookup).first()
    if obj is None:
        raise NotFound()
    return obj
