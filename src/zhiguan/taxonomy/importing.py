"""Importing the three-level taxonomy from (level 1, level 2, level 3) name triples or a CSV file.

Nodes are matched by name under their parent, never by position or code, so a re-import adds
only what is new and never duplicates, renames or deletes. The same level-2 or level-3 name under
two different parents is two nodes (附件1 has "安全生产" under both 城乡建设 and 经济管理).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.errors import InvalidInput
from zhiguan.org.models import Department
from zhiguan.org.permissions import Actor, require
from zhiguan.taxonomy.models import Category, DeadlineProfile
from zhiguan.taxonomy.naming import apply_path, next_child_code

# Accepted headers: our own (built-in file) and the TipDM 附件1 ones.
COLUMNS = {
    "level1": ("level1", "一级分类"),
    "level2": ("level2", "二级分类"),
    "level3": ("level3", "三级分类"),
}
MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_NAME_LENGTH = 64


@dataclass(frozen=True)
class ImportRow:
    names: tuple[str, str, str]
    lead_department_code: str = ""
    deadline_profile_code: str = ""
    line: int = 0


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def _check_row(row: ImportRow, code: str) -> ImportRow:
    names = (_clean(row.names[0]), _clean(row.names[1]), _clean(row.names[2]))
    if any(not n or "/" in n or len(n) > MAX_NAME_LENGTH for n in names):
        raise InvalidInput(
            _("Row %(line)d: every level needs a name of at most 64 characters, without a slash.")
            % {"line": row.line},
            code=code,
            line=row.line,
        )
    return ImportRow(names, row.lead_department_code.strip(), row.deadline_profile_code.strip(), row.line)


def import_taxonomy(*, actor: Actor, rows: Iterable[tuple[str, str, str]]) -> dict[str, int]:
    """Import (level 1, level 2, level 3) name triples; all or nothing.

    Returns counts of the nodes created per level, the rows whose leaf already existed, and the
    rows skipped because an existing ancestor is retired (retiring is deliberate; an import does
    not undo it). A row with an empty name raises `invalid_row` and nothing is written.
    """
    require(actor, "taxonomy.manage")
    checked = []
    for line, row in enumerate(rows, 1):
        if len(row) != 3:
            raise InvalidInput(
                _("Row %(line)d: expected three names.") % {"line": line}, code="invalid_row", line=line
            )
        checked.append(_check_row(ImportRow(names=(row[0], row[1], row[2]), line=line), "invalid_row"))
    return _import(actor=actor, rows=checked, source="rows")


def import_taxonomy_csv(
    *, actor: Actor, path: Path | str | None = None, content: bytes | None = None
) -> dict[str, int]:
    """Import a UTF-8 CSV (a file on the server, or uploaded bytes) with the columns
    一级分类/二级分类/三级分类 or level1/level2/level3, optionally lead_department (a department
    code) and deadline_profile (a profile code) applied to newly created leaves.

    A missing column, an empty file, bad encoding, an empty cell or an unknown profile code raises
    `invalid_csv` and nothing is written. Unknown department codes leave the lead empty and are
    counted as `unmatched_lead_codes` (a district may not have every bureau).
    """
    require(actor, "taxonomy.manage")
    if content is None:
        if path is None or not Path(path).is_file():
            raise InvalidInput(_("The CSV file does not exist."), code="invalid_csv")
        content = Path(path).read_bytes()
    rows = _parse_csv(content)
    return _import(actor=actor, rows=rows, source=Path(path).name if path else "upload")


def _parse_csv(content: bytes) -> list[ImportRow]:
    if len(content) > MAX_CSV_BYTES:
        raise InvalidInput(_("The CSV file is too large."), code="invalid_csv", max_bytes=MAX_CSV_BYTES)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(_("The CSV file must be UTF-8 encoded."), code="invalid_csv") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [(h or "").strip() for h in reader.fieldnames or []]
    found = {key: next((h for h in names if h in header), None) for key, names in COLUMNS.items()}
    missing = [COLUMNS[key][1] for key, h in found.items() if h is None]
    if missing:
        raise InvalidInput(
            _("The CSV file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)},
            code="invalid_csv",
            missing=missing,
        )
    reader.fieldnames = header
    rows = []
    for record in reader:
        values = [_clean(v) for v in record.values() if isinstance(v, str)]
        if not any(values):
            continue
        level1, level2, level3 = (record.get(found[k] or "") or "" for k in COLUMNS)
        row = ImportRow(
            names=(level1, level2, level3),
            lead_department_code=record.get("lead_department") or "",
            deadline_profile_code=record.get("deadline_profile") or "",
            line=reader.line_num,
        )
        rows.append(_check_row(row, "invalid_csv"))
    if not rows:
        raise InvalidInput(_("The CSV file has no rows."), code="invalid_csv")
    return rows


class _Tree:
    """The jurisdiction's existing nodes, looked up by (parent id, name), plus the nodes created now."""

    def __init__(self, actor: Actor):
        self.actor = actor
        existing = list(Category.objects.filter(jurisdiction=actor.jurisdiction))
        self.nodes = {(c.parent_id, c.name): c for c in existing}
        self.by_pk = {c.pk: c for c in existing}
        self.taken = {c.code for c in existing}
        self.next_sort: dict[int | None, int] = {
            row["parent_id"]: row["m"] + 1
            for row in Category.objects.filter(jurisdiction=actor.jurisdiction)
            .values("parent_id")
            .annotate(m=Max("sort_order"))
        }

    def new_node(self, parent: Category | None, name: str) -> Category:
        parent_id = parent.pk if parent else None
        code = next_child_code(jurisdiction_id=self.actor.jurisdiction.pk, parent=parent, taken=self.taken)
        self.taken.add(code)
        sort_order = self.next_sort.get(parent_id, 1)
        self.next_sort[parent_id] = sort_order + 1
        cat = Category(
            jurisdiction=self.actor.jurisdiction,
            parent=parent,
            level=parent.level + 1 if parent else 1,
            code=code,
            name=name,
            sort_order=sort_order,
        )
        apply_path(cat)
        return cat

    def save_level(self, created: list[Category]) -> None:
        Category.objects.bulk_create(created)
        # Reload rather than rely on bulk_create filling primary keys on every backend.
        saved = Category.objects.filter(
            jurisdiction=self.actor.jurisdiction, code__in=[c.code for c in created]
        )
        for cat in saved:
            self.nodes[(cat.parent_id, cat.name)] = cat
            self.by_pk[cat.pk] = cat


@transaction.atomic
def _import(*, actor: Actor, rows: list[ImportRow], source: str) -> dict[str, int]:
    tree = _Tree(actor)
    before_count = len(tree.by_pk)
    profiles = {p.code: p for p in DeadlineProfile.objects.filter(jurisdiction=actor.jurisdiction)}
    departments = {d.code: d for d in Department.objects.filter(jurisdiction=actor.jurisdiction)}
    unknown_profiles = sorted(
        {r.deadline_profile_code for r in rows if r.deadline_profile_code} - set(profiles)
    )
    if unknown_profiles:
        raise InvalidInput(
            _("Unknown deadline profile codes: %(codes)s.") % {"codes": ", ".join(unknown_profiles)},
            code="invalid_csv",
            unknown_profiles=unknown_profiles,
        )
    counts = dict.fromkeys(
        ["level1", "level2", "level3", "existing", "skipped_retired", "unmatched_lead_codes"], 0
    )
    counts["rows"] = len(rows)
    created_codes: list[str] = []
    retired_skipped: set[int] = set()
    for level in (1, 2, 3):
        created: list[Category] = []
        for row in rows:
            if row.line in retired_skipped:
                continue
            parent = None
            if level > 1:
                parent = _saved_node(tree, row, level - 1)
                if parent.retired:
                    retired_skipped.add(row.line)
                    continue
            key = (parent.pk if parent else None, row.names[level - 1])
            if key in tree.nodes:
                if level == 3:
                    counts["existing"] += 1
                continue
            cat = tree.new_node(parent, row.names[level - 1])
            if level == 3:
                cat.deadline_profile = profiles.get(row.deadline_profile_code)
                lead = departments.get(row.lead_department_code)
                if row.lead_department_code and (lead is None or not lead.can_lead):
                    counts["unmatched_lead_codes"] += 1
                    lead = None
                cat.default_lead_department = lead
            tree.nodes[key] = cat  # so that a repeated row in the same file is not created twice
            created.append(cat)
        tree.save_level(created)
        counts[f"level{level}"] = len(created)
        created_codes += [c.code for c in created]
    counts["skipped_retired"] = len(retired_skipped)
    audit.record(
        actor=actor,
        action="taxonomy.imported",
        before={"categories": before_count},
        after={**counts, "source": source, "created_codes": created_codes},
    )
    return counts


def _saved_node(tree: _Tree, row: ImportRow, level: int) -> Category:
    """The row's node at `level` (already saved), found by walking down from level 1."""
    node: Category | None = None
    for depth in range(level):
        node = tree.nodes[(node.pk if node else None, row.names[depth])]
    assert node is not None
    return node
