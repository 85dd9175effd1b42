"""Departments, people, roles and machine clients."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiguan.tenancy.models import Jurisdiction, TenantModel

phone_validator = RegexValidator(
    r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|[19]\d{4,5})$",
    _(
        "Enter a mainland mobile number (11 digits), a landline with area code, or a service number such as 12345."
    ),
)


class DepartmentKind(models.TextChoices):
    DISTRICT = "district", _("District government")
    BUREAU = "bureau", _("Functional department (may lead cases)")
    STREET = "street", _("Street office")
    COMMUNITY = "community", _("Community")
    EXTERNAL = "external", _("External unit")


class Department(TenantModel):
    """A node of the department tree: district → bureaus and streets → communities."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("type"), max_length=16, choices=DepartmentKind.choices)
    duty_phone = models.CharField(_("duty phone"), max_length=20, blank=True, validators=[phone_validator])
    active = models.BooleanField(_("active"), default=True)
    # Materialised path "/1/7/23/" so that "own department and below" is one prefix filter.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    leader = models.ForeignKey(
        "org.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("leader"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_department_path = "path"

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "code"], name="department_code_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def can_lead(self) -> bool:
        return self.kind in (DepartmentKind.BUREAU, DepartmentKind.STREET) and self.active


class DepartmentChange(TenantModel):
    """History of a department: created, renamed, moved, deactivated, reactivated. Never edited."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="history")
    kind = models.CharField(max_length=16)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey("org.User", null=True, on_delete=models.SET_NULL, related_name="+")
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["at", "id"]

    # The kinds, stored as codes, in the reader's words.
    KINDS = {
        "created": _("created"),
        "updated": _("updated"),
        "moved": _("moved"),
        "deactivated": _("deactivated"),
        "reactivated": _("reactivated"),
    }

    def kind_label(self) -> str:
        return str(self.KINDS.get(self.kind, self.kind))

    kind_label.short_description = _("Kind")  # type: ignore[attr-defined]

    def __str__(self) -> str:
        return f"{self.department} · {self.kind_label()}"


class DataScope(models.TextChoices):
    JURISDICTION = "jurisdiction", _("Whole jurisdiction")
    DEPARTMENT_TREE = "department_tree", _("Own department and below")
    DEPARTMENT = "department", _("Own department")
    SELF = "self", _("Only self")


class Role(models.Model):
    """A role is data: the actions it may perform and the data scope it sees them in.

    Built-in roles are (re)created from `zhiguan.org.permissions.BUILTIN_ROLES` after every migrate.
    """

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    data_scope = models.CharField(_("data scope"), max_length=16, choices=DataScope.choices)
    permissions = models.JSONField(_("permissions"), default=list)
    builtin = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A member of staff. Log-in name is `username`; `full_name` is the Chinese name as written."""

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("jurisdiction"),
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("department"),
    )
    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True, validators=[phone_validator])
    roles = models.ManyToManyField(Role, blank=True, related_name="users", verbose_name=_("roles"))

    objects = UserManager()

    scope_department_path = "department__path"
    scope_owner = "pk"

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name or self.username


class ClientKind(models.TextChoices):
    CHANNEL = "channel", _("Intake channel")
    SMART_MODULE = "smart_module", _("Smart module")
    INTEGRATED_SYSTEM = "integrated_system", _("Integrated system")


class ApiClient(TenantModel):
    """A program that calls the API: an intake channel, a smart module, one of the six integrated systems."""

    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("type"), max_length=24, choices=ClientKind.choices)
    scopes = models.JSONField(_("scopes"), default=list, help_text=_("Actions this client may perform."))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "name"], name="api_client_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ApiToken(TenantModel):
    """A bearer token `zg_<prefix>_<secret>`; only the SHA-256 of the whole token is stored."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="tokens")
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")


class GridDuty(TenantModel):
    """Which inspector (监督员/网格员) is responsible for which grid (网格), and since when.

    A grid has at most one inspector on duty (`until` empty); a change ends the current row and
    starts a new one, so who was responsible on any day can be told afterwards. An inspector may
    cover several grids. Cases reaching verification are assigned to the grid's inspector.
    """

    area = models.ForeignKey("geo.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("grid"))
    person = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="grid_duties", verbose_name=_("inspector")
    )
    since = models.DateTimeField(_("since"))
    until = models.DateTimeField(_("until"), null=True, blank=True)
    set_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    scope_owner = "person_id"

    class Meta:
        verbose_name = _("grid duty")
        verbose_name_plural = _("grid duties")
        ordering = ["area", "-since"]
        constraints = [
            models.UniqueConstraint(
                fields=["area"], condition=models.Q(until__isnull=True), name="grid_duty_one_current"
            )
        ]
        indexes = [models.Index(fields=["person", "until"], name="grid_duty_person_idx")]

    def __str__(self) -> str:
        return f"{self.area} — {self.person}"
