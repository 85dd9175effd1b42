from zhiguan.audit.models import AuditRecord
from zhiguan.org.models import Department, DepartmentChange

from ..conftest import assert_error


def test_admin_creates_department_tree_with_history(api_as, jurisdiction, root_department):
    admin = api_as("admin", jurisdiction=jurisdiction)
    r = admin.post(
        "org/departments",
        {
            "code": "CGJ",
            "name": "城市管理局",
            "kind": "bureau",
            "parent_id": root_department.pk,
            "duty_phone": "0571-86910012",
        },
    )
    assert r.status_code == 201, r.content
    dept = r.json()
    assert dept["depth"] == 1 and dept["parent_id"] == root_department.pk
    history = admin.get(f"org/departments/{dept['id']}/history").json()
    assert [h["kind"] for h in history] == ["created"]
    assert history[0]["actor"] == str(admin.user)


def test_moving_a_department_moves_its_subtree_and_keeps_history(api_as, jurisdiction, root_department):
    admin = api_as("admin", jurisdiction=jurisdiction)
    street = admin.post(
        "org/departments",
        {"code": "S1", "name": "下沙街道", "kind": "street", "parent_id": root_department.pk},
    ).json()
    bureau = admin.post(
        "org/departments", {"code": "B1", "name": "城管局", "kind": "bureau", "parent_id": root_department.pk}
    ).json()
    community = admin.post(
        "org/departments", {"code": "C1", "name": "金沙社区", "kind": "community", "parent_id": street["id"]}
    ).json()
    r = admin.post(f"org/departments/{street['id']}/move", {"parent_id": bureau["id"], "reason": "机构改革"})
    assert r.status_code == 200, r.content
    assert Department.objects.get(pk=community["id"]).path.startswith(
        Department.objects.get(pk=bureau["id"]).path
    )
    moved = admin.get(f"org/departments/{street['id']}/history").json()[-1]
    assert moved["kind"] == "moved" and moved["reason"] == "机构改革"
    assert moved["before"]["parent"] == root_department.pk and moved["after"]["parent"] == bureau["id"]


def test_department_cannot_move_under_its_own_child(api_as, jurisdiction, root_department):
    admin = api_as("admin", jurisdiction=jurisdiction)
    street = admin.post(
        "org/departments",
        {"code": "S1", "name": "下沙街道", "kind": "street", "parent_id": root_department.pk},
    ).json()
    community = admin.post(
        "org/departments", {"code": "C1", "name": "金沙社区", "kind": "community", "parent_id": street["id"]}
    ).json()
    before = DepartmentChange.objects.count()
    r = admin.post(f"org/departments/{street['id']}/move", {"parent_id": community["id"]})
    assert_error(r, 422, "invalid_input")
    assert DepartmentChange.objects.count() == before
    assert Department.objects.get(pk=street["id"]).parent_id == root_department.pk


def test_deactivated_department_is_kept_and_hidden_from_default_list(api_as, jurisdiction, root_department):
    admin = api_as("admin", jurisdiction=jurisdiction)
    dept = admin.post(
        "org/departments", {"code": "B1", "name": "旧局", "kind": "bureau", "parent_id": root_department.pk}
    ).json()
    r = admin.post(f"org/departments/{dept['id']}/active", {"active": False, "reason": "撤并"})
    assert r.status_code == 200 and r.json()["active"] is False
    assert dept["id"] not in [d["id"] for d in admin.get("org/departments").json()]
    assert dept["id"] in [d["id"] for d in admin.get("org/departments", include_inactive=True).json()]
    assert [h["kind"] for h in admin.get(f"org/departments/{dept['id']}/history").json()] == [
        "created",
        "deactivated",
    ]


def test_department_with_active_children_cannot_be_deactivated(api_as, jurisdiction, root_department):
    admin = api_as("admin", jurisdiction=jurisdiction)
    admin.post(
        "org/departments", {"code": "B1", "name": "城管局", "kind": "bureau", "parent_id": root_department.pk}
    )
    assert_error(
        admin.post(f"org/departments/{root_department.pk}/active", {"active": False}),
        409,
        "has_active_children",
    )
    assert Department.objects.get(pk=root_department.pk).active


def test_bad_department_input_changes_nothing(api_as, jurisdiction, root_department):
    admin = api_as("admin", jurisdiction=jurisdiction)
    counts = (Department.objects.count(), AuditRecord.objects.count())
    assert_error(
        admin.post("org/departments", {"code": "X", "name": "X", "kind": "planet"}), 422, "invalid_input"
    )
    assert_error(
        admin.post("org/departments", {"code": "X", "name": "X", "kind": "bureau", "duty_phone": "12"}),
        422,
        "invalid_input",
    )
    assert_error(
        admin.post("org/departments", {"code": "GOV", "name": "重复", "kind": "bureau"}),
        409,
        "duplicate_code",
    )
    assert_error(
        admin.post("org/departments", {"code": "Y", "name": "Y", "kind": "bureau", "parent_id": 999999}),
        404,
        "not_found",
    )
    assert (Department.objects.count(), AuditRecord.objects.count()) == counts


def test_department_leader_is_set_from_its_own_staff_and_kept_in_history(
    api_as, make_user, jurisdiction, root_department
):
    admin = api_as("admin", jurisdiction=jurisdiction)
    dept = admin.post(
        "org/departments", {"code": "B1", "name": "城管局", "kind": "bureau", "parent_id": root_department.pk}
    ).json()
    outsider = make_user("handler", jurisdiction=jurisdiction, department=root_department)
    err = assert_error(
        admin.patch(f"org/departments/{dept['id']}", {"leader_id": outsider.pk}), 422, "invalid_input"
    )
    assert err["details"]["field"] == "leader_id"
    chief = make_user("handler", jurisdiction=jurisdiction, department=Department.objects.get(pk=dept["id"]))
    r = admin.patch(f"org/departments/{dept['id']}", {"leader_id": chief.pk, "reason": "任命"})
    assert r.status_code == 200 and r.json()["leader_id"] == chief.pk
    last = admin.get(f"org/departments/{dept['id']}/history").json()[-1]
    assert last["before"]["leader"] is None and last["after"]["leader"] == chief.pk
    assert admin.patch(f"org/departments/{dept['id']}", {"clear_leader": True}).json()["leader_id"] is None
