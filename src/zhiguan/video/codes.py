"""The GB/T 28181 device code (国标编码): 20 digits, pure functions (decision 073).

digits  1–8   centre code (中心编码): 1–2 province, 3–4 city, 5–6 district/county (together the
              administrative code, GB/T 2260, "330114"), 7–8 base unit (基层接入单位)
        9–10  industry code (行业编码): 00–08 public security and traffic access (00 社会治安路面
              接入 … 08 城市管理接入), 09–11 other government, 40–55 enterprises, 80 居民自建,
              90 其他主体; the rest is reserved
        11–13 type code (类型编码): 111–130 front-end devices (111 DVR, 112 视频服务器, 113 编码器,
              114 解码器, 117 报警控制器, 118 NVR …), 131–199 peripherals (131 摄像机, 132 网络摄像机
              IPC, 133 显示器 …), 200–299 platform (200 中心信令控制服务器, 202 媒体分发服务器 …),
              300–399 central users, 400–499 terminal users
        14    network identifier (网络标识): 0–4 监控报警专网, 5 公安信息网, 6 政务网, 7 互联网,
              8 社会资源接入网, 9 预留
        15–20 serial (设备、用户序号)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from zhiguan.registries.spec import RowError

LENGTH = 20
CAMERA_TYPES = {"131": "摄像机", "132": "网络摄像机"}
DEVICE_TYPES = {
    "111": "DVR",
    "112": "视频服务器",
    "113": "编码器",
    "114": "解码器",
    "115": "视频切换矩阵",
    "116": "音频切换矩阵",
    "117": "报警控制器",
    "118": "NVR",
    **{str(t): "前端主设备" for t in range(119, 131)},
    "200": "中心信令控制服务器",
    "201": "Web应用服务器",
    "202": "媒体分发服务器",
    "203": "代理服务器",
    "204": "安全服务器",
    "205": "报警服务器",
    "206": "数据库服务器",
    "207": "GIS服务器",
    "208": "管理服务器",
    "209": "接入网关",
    "210": "媒体存储服务器",
    "211": "信令安全路由网关",
}
INDUSTRIES = {
    "00": "社会治安路面接入",
    "01": "社会治安社区接入",
    "02": "社会治安内部接入",
    "03": "社会治安其他接入",
    "04": "交通路面接入",
    "05": "交通卡口接入",
    "06": "交通内部接入",
    "07": "交通其他接入",
    "08": "城市管理接入",
    "09": "卫生环保接入",
    "10": "商检海关接入",
    "11": "教育部门接入",
    **{str(i): "企业接入" for i in range(40, 56)},
    "80": "居民自建",
    "90": "其他主体接入",
}
NETWORKS = {
    **{str(i): "监控报警专网" for i in range(5)},
    "5": "公安信息网",
    "6": "政务网",
    "7": "互联网",
    "8": "社会资源接入网",
    "9": "预留",
}


@dataclass(frozen=True)
class Code:
    code: str
    admin: str  # 1–6
    base_unit: str  # 7–8
    industry: str  # 9–10
    type: str  # 11–13
    network: str  # 14
    serial: str  # 15–20

    @property
    def centre(self) -> str:
        return self.code[:8]

    @property
    def is_camera(self) -> bool:
        return self.type in CAMERA_TYPES


def parse(code: str) -> Code | None:
    """The parts of a 20-digit code, or None when it is not 20 ASCII digits."""
    s = (code or "").strip()
    if len(s) != LENGTH or not s.isascii() or not s.isdigit():
        return None
    return Code(s, s[:6], s[6:8], s[8:10], s[10:13], s[13], s[14:])


def validate(code: str, admin_code: str, *, camera: bool, column: str = "code") -> list[RowError]:
    """Problems of a camera's (camera=True) or a device's code in the district `admin_code`."""
    parsed = parse(code)
    if parsed is None:
        return [RowError("bad_device_code", _("A GB/T 28181 code has exactly 20 digits."), column)]
    errors: list[RowError] = []
    if parsed.admin != admin_code:
        errors.append(
            RowError(
                "wrong_admin_code",
                _("The code must begin with this district's administrative code %(admin)s.")
                % {"admin": admin_code},
                column,
            )
        )
    if parsed.industry not in INDUSTRIES:
        errors.append(
            RowError(
                "unknown_industry",
                _("Digits 9–10 are not an industry code of GB/T 28181: %(value)s.")
                % {"value": parsed.industry},
                column,
            )
        )
    if camera and parsed.type not in CAMERA_TYPES:
        errors.append(
            RowError(
                "not_a_camera_type",
                _("Digits 11–13 of a camera's code must be 131 (camera) or 132 (IP camera), not %(value)s.")
                % {"value": parsed.type},
                column,
            )
        )
    if not camera and parsed.type not in DEVICE_TYPES:
        errors.append(
            RowError(
                "not_a_device_type",
                _(
                    "Digits 11–13 of a device's code must be a device or platform type (111–130, 200–211), not %(value)s."
                )
                % {"value": parsed.type},
                column,
            )
        )
    return errors


def make(
    admin_code: str,
    type_code: str,
    serial: int,
    *,
    base_unit: str = "00",
    industry: str = "08",
    network: str = "6",
) -> str:
    """A code of this district: e.g. make("330114", "132", 1) → "33011400081326000001"."""
    code = f"{admin_code}{base_unit}{industry}{type_code}{network}{serial:06d}"
    if parse(code) is None:
        raise ValueError(code)
    return code
