import pytest

from zhiguan.org.models import Department
from zhiguan.org.permissions import Actor
from zhiguan.taxonomy import services
from zhiguan.taxonomy.models import Category

from ..conftest import assert_error
from .conftest import ROWS, fingerprint


@pytest.fixture
def admin(api_as, jurisdiction):
    return api_as("admin", jurisdiction=jurisdiction)


def _search(api, q):
    r = api.get("taxonomy/categories/search", q=q)
    assert r.status_code == 200, r.content
    return r.json()


def test_pinyin_initials_find_street_lights_first(api_as, jurisdiction, tree):
    operator = api_as("intake_operator", jurisdiction=jurisdiction)
    hits = _search(operator, "ld")
    assert hits[0]["path_name"] == "城乡建设 / 城市建设和市政管理 / 路灯"
    assert hits[0]["is_leaf"] is True
    assert _search(operator, "yllh")[0]["name"] == "园林绿化"
    assert _search(operator, "LD")[0]["name"] == "路灯"
    # A path of initials narrows to one branch.
    assert [h["name"] for h in _search(operator, "szgl/ld")] == ["路灯"]


def test_name_search_ranks_exact_names_before_substrings(api_as, jurisdiction, tree):
    operator = api_as("intake_operator", jurisdiction=jurisdiction)
    hits = _search(operator, "安全生产")
    assert [h["path_name"] for h in hits[:2]] == ["城乡建设 / 安全生产", "经济管理 / 安全生产"]
    assert {h["path_name"] for h in hits[2:]} == {
        "城乡建设 / 安全生产 / 安全隐患",
        "经济管理 / 安全生产 / 安全隐患",
    }
    assert _search(operator, "  ") == []


def test_search_returns_at_most_twenty(api_as, jurisdiction, system):
    services.import_taxonomy(actor=system, rows=[("城乡建设", "市政", f"路灯{i}") for i in range(30)])
    assert len(_search(api_as("intake_operator", jurisdiction=jurisdiction), "ld")) == 20


def test_retired_category_is_hidden_from_search_but_resolvable_with_its_children(admin, tree):
    branch = tree["城乡建设 / 城市建设和市政管理"]
    leaf = tree["城乡建设 / 城市建设和市政管理 / 路灯"]
    r = admin.post(f"taxonomy/categories/{branch.pk}/retire", {"reason": "并入市政设施"})
    assert r.status_code == 200 and r.json()["retired"] is True

    assert _search(admin, "ld") == []
    detail = admin.get(f"taxonomy/categories/{leaf.pk}").json()
    assert detail["retired"] is True and detail["path_name"].endswith("路灯")
    listed = {c["id"] for c in admin.get("taxonomy/categories").json()}
    assert branch.pk not in listed and leaf.pk not in listed
    with_retired = {c["id"] for c in admin.get("taxonomy/categories", include_retired=True).json()}
    assert {branch.pk, leaf.pk} <= with_retired

    r = admin.post(f"taxonomy/categories/{branch.pk}/restore", {})
    assert r.status_code == 200 and r.json()["retired"] is False
    assert _search(admin, "ld")[0]["id"] == leaf.pk


def test_restore_keeps_children_that_were_retired_on_their_own(system, tree):
    branch = tree["城乡建设 / 城市建设和市政管理"]
    lights = tree["城乡建设 / 城市建设和市政管理 / 路灯"]
    services.retire_category(actor=system, category_id=lights.pk)
    services.retire_category(actor=system, category_id=branch.pk)
    services.restore_category(actor=system, category_id=branch.pk)
    assert Category.objects.get(pk=lights.pk).retired
    assert not Category.objects.get(pk=tree["城乡建设 / 城市建设和市政管理 / 园林绿化"].pk).retired


def test_profile_and_lead_department_are_inherited_from_the_nearest_ancestor(admin, tree, general, bureau):
    top = tree["城乡建设"]
    leaf = tree["城乡建设 / 城市建设和市政管理 / 路灯"]
    admin.patch(f"taxonomy/categories/{top.pk}", {"deadline_profile_id": general.pk})
    admin.patch(
        f"taxonomy/categories/{leaf.pk}", {"default_lead_department_id": bureau.pk, "priority": "high"}
    )
    detail = admin.get(f"taxonomy/categories/{leaf.pk}").json()
    assert detail["deadline_profile_id"] is None
    assert detail["effective_profile"]["code"] == "GENERAL"
    assert detail["effective_profile"]["urgent_accept_hours"] == 0.5
    assert detail["effective_lead_department"]["code"] == "CGJ"
    assert detail["priority"] == "high"
    sibling = admin.get(f"taxonomy/categories/{tree['城乡建设 / 城市建设和市政管理 / 园林绿化'].pk}").json()
    assert sibling["effective_lead_department"] is None

    r = admin.patch(f"taxonomy/categories/{top.pk}", {"deadline_profile_id": None})
    assert r.json()["deadline_profile_id"] is None
    assert admin.get(f"taxonomy/categories/{leaf.pk}").json()["effective_profile"] is None


def test_create_rename_and_move_keep_code_and_refresh_paths(admin, tree):
    r = admin.post("taxonomy/categories", {"name": "市政设施", "parent_id": tree["城乡建设"].pk})
    assert r.status_code == 201, r.content
    target = r.json()
    assert target["level"] == 2 and target["code"] == tree["城乡建设"].code + ".04"
    leaf = tree["城乡建设 / 城市建设和市政管理 / 路灯"]
    r = admin.patch(f"taxonomy/categories/{leaf.pk}", {"parent_id": target["id"], "name": "路灯照明"})
    assert r.status_code == 200, r.content
    moved = r.json()
    assert moved["code"] == leaf.code
    assert moved["path_name"] == "城乡建设 / 市政设施 / 路灯照明"
    assert moved["pinyin_initials"] == "cxjs/szss/ldzm"

    admin.patch(f"taxonomy/categories/{tree['城乡建设'].pk}", {"name": "城乡建设管理"})
    assert Category.objects.get(pk=leaf.pk).path_name == "城乡建设管理 / 市政设施 / 路灯照明"
    tree_nodes = admin.get("taxonomy/categories/tree").json()
    assert [n["name"] for n in tree_nodes] == ["城乡建设管理", "经济管理", "环境保护"]
    assert tree_nodes[0]["children"][-1]["children"][0]["name"] == "路灯照明"


def _bad_inputs(tree, other_leaf_id, district_id):
    leaf = tree["城乡建设 / 城市建设和市政管理 / 路灯"]
    level2 = tree["城乡建设 / 城市建设和市政管理"]
    return [
        ("post", "taxonomy/categories", {"name": "新", "parent_id": 999999}, 422, "unknown_parent"),
        ("post", "taxonomy/categories", {"name": "新", "parent_id": other_leaf_id}, 422, "unknown_parent"),
        ("post", "taxonomy/categories", {"name": "新", "parent_id": leaf.pk}, 422, "wrong_level"),
        ("patch", f"taxonomy/categories/{leaf.pk}", {"parent_id": tree["城乡建设"].pk}, 422, "wrong_level"),
        ("patch", f"taxonomy/categories/{level2.pk}", {"parent_id": None}, 422, "wrong_level"),
        ("post", "taxonomy/categories", {"name": "新", "code": tree["城乡建设"].code}, 409, "duplicate_code"),
        ("post", "taxonomy/categories", {"name": "路灯", "parent_id": level2.pk}, 409, "duplicate_name"),
        ("patch", f"taxonomy/categories/{leaf.pk}", {"name": "园林绿化"}, 409, "duplicate_name"),
        (
            "post",
            "taxonomy/categories",
            {"name": "新", "default_lead_department_id": 999999},
            422,
            "unknown_department",
        ),
        (
            "post",
            "taxonomy/categories",
            {"name": "新", "default_lead_department_id": district_id},
            422,
            "department_cannot_lead",
        ),
        (
            "post",
            "taxonomy/categories",
            {"name": "新", "deadline_profile_id": 999999},
            422,
            "invalid_profile",
        ),
        ("post", "taxonomy/categories", {"name": "新", "priority": "asap"}, 422, "invalid_priority"),
        ("post", "taxonomy/categories", {"name": " "}, 422, "invalid_input"),
        ("patch", "taxonomy/categories/999999", {"name": "新"}, 404, "not_found"),
    ]


def test_every_bad_category_input_has_its_code_and_changes_nothing(
    admin, tree, system, other_jurisdiction, root_department
):
    other = Actor.system(other_jurisdiction)
    services.import_taxonomy(actor=other, rows=[("外区", "外区二级", "外区三级")])
    other_leaf = Category.objects.get(jurisdiction=other_jurisdiction, level=2)
    for method, path, body, status, code in _bad_inputs(tree, other_leaf.pk, root_department.pk):
        before = fingerprint()
        assert_error(getattr(admin, method)(path, body), status, code)
        assert fingerprint() == before, (path, body)


def test_retired_parent_blocks_new_children_moves_and_restore(admin, tree, system):
    retired = tree["经济管理 / 安全生产"]
    services.retire_category(actor=system, category_id=retired.pk)
    leaf = tree["城乡建设 / 安全生产 / 安全隐患"]
    retired_leaf = tree["经济管理 / 安全生产 / 安全隐患"]
    cases = [
        ("post", "taxonomy/categories", {"name": "新", "parent_id": retired.pk}),
        ("patch", f"taxonomy/categories/{leaf.pk}", {"parent_id": retired.pk, "name": "隐患排查"}),
    ]
    for method, path, body in cases:
        before = fingerprint()
        assert_error(getattr(admin, method)(path, body), 422, "retired_parent")
        assert fingerprint() == before
    services.retire_category(actor=system, category_id=tree["经济管理"].pk)
    before = fingerprint()
    assert_error(admin.post(f"taxonomy/categories/{retired.pk}/restore", {}), 422, "retired_parent")
    assert_error(
        admin.patch(f"taxonomy/categories/{retired_leaf.pk}", {"name": "x"}), 422, "retired_category"
    )
    assert fingerprint() == before


def test_intake_operator_can_search_but_not_create(api_as, jurisdiction, tree):
    operator = api_as("intake_operator", jurisdiction=jurisdiction)
    assert _search(operator, "ld")
    before = fingerprint()
    assert_error(operator.post("taxonomy/categories", {"name": "新"}), 403, "forbidden")
    leaf = tree["城乡建设 / 城市建设和市政管理 / 路灯"]
    assert_error(operator.post(f"taxonomy/categories/{leaf.pk}/retire", {}), 403, "forbidden")
    assert_error(operator.patch(f"taxonomy/categories/{leaf.pk}", {"name": "x"}), 403, "forbidden")
    assert fingerprint() == before


def test_other_jurisdictions_categories_never_appear(api_as, jurisdiction, other_jurisdiction, tree):
    services.import_taxonomy(actor=Actor.system(other_jurisdiction), rows=ROWS)
    foreign = Category.objects.get(jurisdiction=other_jurisdiction, name="路灯")
    admin = api_as("admin", jurisdiction=jurisdiction)
    listed = admin.get("taxonomy/categories").json()
    assert len(listed) == len(tree) and foreign.pk not in {c["id"] for c in listed}
    assert [h["id"] for h in _search(admin, "ld")] == [tree["城乡建设 / 城市建设和市政管理 / 路灯"].pk]
    assert_error(admin.get(f"taxonomy/categories/{foreign.pk}"), 404, "not_found")
    before = fingerprint()
    assert_error(admin.post(f"taxonomy/categories/{foreign.pk}/retire", {}), 404, "not_found")
    assert_error(admin.patch(f"taxonomy/categories/{foreign.pk}", {"name": "x"}), 404, "not_found")
    assert fingerprint() == before


def test_same_code_and_name_may_exist_in_two_jurisdictions(system, other_jurisdiction, tree):
    counts = services.import_taxonomy(actor=Actor.system(other_jurisdiction), rows=ROWS)
    assert counts["level3"] == len(ROWS)
    assert Category.objects.filter(code=tree["城乡建设"].code).count() == 2


def test_csv_upload_imports_and_rejects_bad_files(admin, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload(content: bytes):
        file = SimpleUploadedFile("t.csv", content, content_type="text/csv")
        return admin.client.post("/api/v1/taxonomy/categories/import", {"file": file}, headers=admin.headers)

    r = upload("一级分类,二级分类,三级分类\n城乡建设,城乡规划,违章建筑\n".encode())
    assert r.status_code == 200, r.content
    assert (r.json()["level2"], r.json()["level3"]) == (1, 1)
    before = fingerprint()
    assert_error(upload("名称\n路灯\n".encode()), 422, "invalid_csv")
    assert fingerprint() == before


def test_created_category_is_audited_with_after_state(admin, tree):
    from zhiguan.audit.models import AuditRecord

    r = admin.post("taxonomy/categories", {"name": "交通运输", "code": "T1"})
    record = AuditRecord.objects.get(action="category.created", object_id=str(r.json()["id"]))
    assert record.after["code"] == "T1" and record.after["path_name"] == "交通运输"
    assert record.actor_user_id == admin.user.pk


def test_department_model_is_protected_by_the_lead_reference(system, bureau, tree):
    from django.db.models import ProtectedError

    services.update_category(
        actor=system, category_id=tree["城乡建设"].pk, default_lead_department_id=bureau.pk
    )
    with pytest.raises(ProtectedError):
        Department.objects.filter(pk=bureau.pk).delete()
