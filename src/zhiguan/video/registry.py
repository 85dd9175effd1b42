"""The `cameras` (摄像头) and `video-devices` (视频设备) registries: columns, checks, preparation (decision 073).

A camera's stream address (视频流地址) is never exported (`Column.export=False`) and shown only to who
may see streams. Owners (权属单位) are departments by code or name, limited to the actor's own
department tree for a data officer (as components). References are read once per import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from zhiguan.registries.spec import (
    BOOL,
    CHOICE,
    FLOAT,
    INT,
    LAT,
    LNG,
    REF,
    TEXT,
    Column,
    RegistrySpec,
    RowContext,
    RowError,
    register_spec,
)
from zhiguan.video import codes
from zhiguan.video.coverage import sector_wkb
from zhiguan.video.models import Camera, CameraKind, VideoDevice

KIND_LABELS = {
    CameraKind.BULLET.value: "枪机",
    CameraKind.DOME.value: "球机",
    CameraKind.MINI_DOME.value: "半球",
    CameraKind.PANORAMIC.value: "全景",
    CameraKind.OTHER.value: "其他",
}

OWNER = Column(
    "owner",
    "权属单位",
    REF,
    required=True,
    aliases=("权属部门", "建设单位", "管理单位"),
    example="CGJSZ",
    help="本区的部门名称或代码。",
)

CAMERA_COLUMNS = (
    Column(
        "code",
        "国标编码",
        TEXT,
        required=True,
        max_length=20,
        aliases=("设备编码", "通道编码", "国标ID", "编码"),
        example="33011400081326000001",
        help="GB/T 28181 20位编码：前6位为本区行政区划代码，第11–13位类型码为131（摄像机）或132（网络摄像机）。",
    ),
    Column(
        "name",
        "名称",
        TEXT,
        required=True,
        max_length=100,
        aliases=("摄像头名称", "点位名称"),
        example="文泽路学林街口东向",
    ),
    Column(
        "device",
        "所属设备",
        REF,
        aliases=("所属NVR", "所属设备编码"),
        example="33011400081186000001",
        help="所属录像机/编码器的国标编码；直接注册的网络摄像机留空。",
    ),
    Column("lng", "经度", LNG, required=True, aliases=("X", "lng", "longitude"), example="120.3412"),
    Column("lat", "纬度", LAT, required=True, aliases=("Y", "lat", "latitude"), example="30.3051"),
    Column("height_m", "安装高度", FLOAT, aliases=("高度", "安装高度(米)"), example="6", help="米。"),
    Column(
        "direction", "朝向", FLOAT, aliases=("方向", "方位角"), example="90", help="度，正北为0，顺时针。"
    ),
    Column("fov", "视场角", FLOAT, aliases=("水平视场角",), example="60", help="度，留空为60。"),
    Column("range_m", "可视距离", FLOAT, aliases=("监控距离",), example="80", help="米，留空为80。"),
    Column("kind", "类型", CHOICE, choices=KIND_LABELS, aliases=("摄像机类型",), example="枪机"),
    Column("ptz", "云台", BOOL, aliases=("是否云台", "可转动"), example="否", help="是：球机可360°转动。"),
    OWNER,
    Column(
        "address",
        "安装位置",
        TEXT,
        max_length=255,
        aliases=("地址", "位置"),
        example="文泽路与学林街交叉口东北角",
    ),
    Column(
        "stream_url",
        "视频流地址",
        TEXT,
        max_length=500,
        aliases=("流地址", "RTSP地址"),
        example="rtsp://10.0.0.1/ch1",
        help="只保存，不导出；仅有权人员可见。",
        export=False,
    ),
)

DEVICE_COLUMNS = (
    Column(
        "code",
        "国标编码",
        TEXT,
        required=True,
        max_length=20,
        aliases=("设备编码", "国标ID", "编码"),
        example="33011400081186000001",
        help="GB/T 28181 20位编码：前6位为本区行政区划代码，第11–13位为设备类型（111 DVR、118 NVR、200 平台等）。",
    ),
    Column(
        "name", "名称", TEXT, required=True, max_length=100, aliases=("设备名称",), example="崇贤街道NVR-01"
    ),
    Column("ip", "IP地址", TEXT, max_length=64, aliases=("IP",), example="10.0.0.1"),
    Column("port", "端口", INT, aliases=("端口号",), example="5060"),
    OWNER,
    Column("address", "安装位置", TEXT, max_length=255, aliases=("地址",), example="崇贤街道办事处机房"),
)

_CACHE_KEY = "video.refs"


@dataclass
class Refs:
    admin_code: str
    departments: dict[str, int | None]  # code or name → id (None: a name two departments share)
    department_paths: dict[int, str]
    devices: dict[str, int]  # device code → id


def load_refs(jurisdiction_id: int) -> Refs:
    from zhiguan.org.models import Department
    from zhiguan.tenancy.models import Jurisdiction

    admin_code = Jurisdiction.objects.values_list("code", flat=True).get(pk=jurisdiction_id)
    departments: dict[str, int | None] = {}
    paths: dict[int, str] = {}
    by_name: dict[str, set[int]] = {}
    for pk, code, name, path in Department.objects.filter(
        jurisdiction_id=jurisdiction_id, active=True
    ).values_list("pk", "code", "name", "path"):
        departments[code.strip()] = pk
        by_name.setdefault(name.strip(), set()).add(pk)
        paths[pk] = path
    for name, ids in by_name.items():
        departments.setdefault(name, next(iter(ids)) if len(ids) == 1 else None)
    devices = dict(VideoDevice.objects.filter(jurisdiction_id=jurisdiction_id).values_list("code", "pk"))
    return Refs(admin_code, departments, paths, devices)


def refs(ctx: RowContext) -> Refs:
    found = ctx.cache.get(_CACHE_KEY)
    if found is None:
        found = ctx.cache[_CACHE_KEY] = load_refs(ctx.jurisdiction_id)
    return found


def _owner_errors(row: dict[str, Any], ctx: RowContext, r: Refs) -> list[RowError]:
    from zhiguan.org.models import DataScope

    text = str(row.get("owner") or "").strip()
    if not text:
        return []
    if text not in r.departments:
        return [
            RowError(
                "unknown_department",
                _("No department of this name or code: %(value)s.") % {"value": text},
                "owner",
            )
        ]
    owner_id = r.departments[text]
    if owner_id is None:
        return [
            RowError(
                "ambiguous_department",
                _("Several departments have this name; give the department code: %(value)s.")
                % {"value": text},
                "owner",
            )
        ]
    scope = ctx.actor.grants.get("registry.manage") if ctx.actor is not None else None
    if scope not in (None, DataScope.JURISDICTION):
        dept = getattr(ctx.actor, "department", None)
        if dept is None or not r.department_paths[owner_id].startswith(dept.path):
            return [
                RowError(
                    "owner_out_of_scope", _("You can only register what your own departments own."), "owner"
                )
            ]
    return []


def _range_errors(row: dict[str, Any]) -> list[RowError]:
    errors = []
    for name, low, high in (
        ("direction", 0, 360),
        ("fov", 1, 360),
        ("range_m", 1, 2000),
        ("height_m", 0, 300),
    ):
        value = row.get(name)
        if value is not None and value != "" and not (low <= float(value) <= high):
            errors.append(
                RowError(
                    "out_of_range",
                    _("The value must lie between %(low)s and %(high)s.") % {"low": low, "high": high},
                    name,
                )
            )
    return errors


def validate_camera(row: dict[str, Any], ctx: RowContext) -> list[RowError]:
    r = refs(ctx)
    errors = _owner_errors(row, ctx, r) + _range_errors(row)
    code = str(row.get("code") or "").strip()
    if code:
        errors.extend(codes.validate(code, r.admin_code, camera=True))
    device = str(row.get("device") or "").strip()
    if device and device not in r.devices:
        errors.append(
            RowError(
                "unknown_device",
                _("No video device with this code: %(value)s.") % {"value": device},
                "device",
            )
        )
    return errors


def validate_device(row: dict[str, Any], ctx: RowContext) -> list[RowError]:
    r = refs(ctx)
    errors = _owner_errors(row, ctx, r)
    code = str(row.get("code") or "").strip()
    if code:
        errors.extend(codes.validate(code, r.admin_code, camera=False))
    port = row.get("port")
    if port not in (None, "") and not (1 <= int(port) <= 65535):
        errors.append(
            RowError(
                "out_of_range",
                _("The value must lie between %(low)s and %(high)s.") % {"low": 1, "high": 65535},
                "port",
            )
        )
    return errors


def _num(row: dict[str, Any], name: str, default: float | None) -> float | None:
    value = row.get(name)
    return default if value in (None, "") else float(value)


def prepare_camera(row: dict[str, Any], ctx: RowContext) -> dict[str, Any]:
    r = refs(ctx)
    device = str(row.get("device") or "").strip()
    kind = row.get("kind") or CameraKind.BULLET.value
    ptz = bool(row.get("ptz")) if row.get("ptz") not in (None, "") else kind == CameraKind.DOME.value
    values: dict[str, Any] = {
        "code": str(row["code"]).strip(),
        "name": row["name"],
        "device_id": r.devices.get(device) if device else None,
        "lng": row["lng"],
        "lat": row["lat"],
        "height_m": _num(row, "height_m", None),
        "direction": _num(row, "direction", 0.0),
        "fov": _num(row, "fov", 60.0),
        "range_m": _num(row, "range_m", 80.0),
        "kind": kind,
        "ptz": ptz,
        "owner_id": r.departments[str(row["owner"]).strip()],
        "stream_url": row.get("stream_url") or "",
    }
    if "address" in row:
        values["address"] = row.get("address") or ""
    geometry, box = sector_wkb(
        values["lng"], values["lat"], values["direction"], values["fov"], values["range_m"], ptz
    )
    values.update(geometry=geometry, min_lng=box[0], min_lat=box[1], max_lng=box[2], max_lat=box[3])
    return values


def prepare_device(row: dict[str, Any], ctx: RowContext) -> dict[str, Any]:
    r = refs(ctx)
    return {
        "code": str(row["code"]).strip(),
        "name": row["name"],
        "ip": row.get("ip") or "",
        "port": int(row["port"]) if row.get("port") not in (None, "") else None,
        "owner_id": r.departments[str(row["owner"]).strip()],
        "address": row.get("address") or "",
    }


def camera_row(camera: Any) -> dict[str, Any]:
    return {
        "code": camera.code,
        "name": camera.name,
        "device": camera.device.code if camera.device_id else "",
        "lng": camera.lng,
        "lat": camera.lat,
        "height_m": camera.height_m,
        "direction": camera.direction,
        "fov": camera.fov,
        "range_m": camera.range_m,
        "kind": camera.kind,
        "ptz": camera.ptz,
        "owner": camera.owner.name,
        "address": camera.address,
        "stream_url": camera.stream_url,  # export=False: the exports leave it out
    }


def device_row(device: Any) -> dict[str, Any]:
    return {
        "code": device.code,
        "name": device.name,
        "ip": device.ip,
        "port": device.port,
        "owner": device.owner.name,
        "address": device.address,
    }


CAMERAS = register_spec(
    RegistrySpec(
        key="cameras",
        model=Camera,
        title="摄像头",
        natural_key=("code",),
        columns=CAMERA_COLUMNS,
        geometry="point",
        search_fields=("code", "name", "address"),
        filters=("kind", "owner", "device", "online", "street", "community", "grid"),
        validate_row=validate_camera,
        prepare=prepare_camera,
        to_row=camera_row,
    )
)

DEVICES = register_spec(
    RegistrySpec(
        key="video-devices",
        model=VideoDevice,
        title="视频设备",
        natural_key=("code",),
        columns=DEVICE_COLUMNS,
        geometry="none",
        search_fields=("code", "name", "address", "ip"),
        filters=("owner", "online"),
        validate_row=validate_device,
        prepare=prepare_device,
        to_row=device_row,
    )
)
