"""The geography database (地理信息库): roads, water, buildings, points of interest, standard addresses.

Together they are the district's own base map (drawn by the console without internet tiles) and
what the geocoder matches a caller's words against. Every table is a registry
(`zhiguan.registries`): validated at the door, imported in bulk, its history kept, retired not
deleted. Points are WGS-84 with their street, community, grid and H3 cells (`geo.Located`);
lines and polygons are WGS-84 WKB with a bounding box (`registries.Shaped`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhiguan.geo.models import Located
from zhiguan.registries.models import RegistryHistory, RegistryRecord, Shaped


def _history() -> HistoricalRecords:
    return HistoricalRecords(bases=[RegistryHistory])


class RoadClass(models.TextChoices):
    EXPRESSWAY = "expressway", _("expressway")  # 快速路
    ARTERIAL = "arterial", _("arterial road")  # 主干路
    SECONDARY = "secondary", _("secondary road")  # 次干路
    BRANCH = "branch", _("branch road")  # 支路
    ALLEY = "alley", _("lane")  # 街巷


class Road(RegistryRecord, Shaped):
    """A road's centre line (LineString or MultiLineString) with its name."""

    code = models.CharField(_("road code"), max_length=32)
    name = models.CharField(_("road name"), max_length=64, db_index=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    road_class = models.CharField(_("road class"), max_length=16, choices=RoadClass.choices)
    length_m = models.FloatField(_("length (m)"), default=0)
    source = models.CharField(_("source"), max_length=255, blank=True)
    history = _history()

    class Meta:
        verbose_name = _("road")
        verbose_name_plural = _("roads")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "code"], name="gis_road_code_unique")]
        indexes = [models.Index(fields=["jurisdiction", "min_lng", "min_lat"], name="gis_road_bbox")]

    def __str__(self) -> str:
        return self.name


class WaterKind(models.TextChoices):
    RIVER = "river", _("river")  # 河流
    CANAL = "canal", _("canal")  # 河道/渠
    LAKE = "lake", _("lake")  # 湖泊
    POND = "pond", _("pond")  # 池塘


class Water(RegistryRecord, Shaped):
    """A river, canal, lake or pond (polygon, or a centre line for a narrow channel)."""

    code = models.CharField(_("water code"), max_length=32)
    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=WaterKind.choices)
    source = models.CharField(_("source"), max_length=255, blank=True)
    history = _history()

    class Meta:
        verbose_name = _("water body")
        verbose_name_plural = _("water bodies")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "code"], name="gis_water_code_unique")]
        indexes = [models.Index(fields=["jurisdiction", "min_lng", "min_lat"], name="gis_water_bbox")]

    def __str__(self) -> str:
        return self.name


class PoiKind(models.TextChoices):
    ESTATE = "estate", _("residential estate")  # 小区
    SCHOOL = "school", _("school")  # 学校
    HOSPITAL = "hospital", _("hospital")  # 医院
    MARKET = "market", _("market")  # 市场
    PARK = "park", _("park")  # 公园
    GOVERNMENT = "government", _("government office")  # 机关
    STATION = "station", _("metro station")  # 地铁站
    OTHER = "other", _("other")  # 其他


class Poi(RegistryRecord, Located):
    """A point of interest people name when they say where something is: estates, schools, parks …"""

    code = models.CharField(_("POI code"), max_length=32)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=PoiKind.choices)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    # An estate's or a park's outline, when known (WGS-84 WKB); the point is its entrance or centre.
    outline = models.BinaryField(_("outline (WGS-84 WKB)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    history = _history()

    class Meta:
        verbose_name = _("point of interest")
        verbose_name_plural = _("points of interest")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "code"], name="gis_poi_code_unique")]

    def __str__(self) -> str:
        return self.name


class BuildingUse(models.TextChoices):
    RESIDENTIAL = "residential", _("residential")  # 住宅
    COMMERCIAL = "commercial", _("commercial")  # 商业
    OFFICE = "office", _("office")  # 办公
    INDUSTRIAL = "industrial", _("industrial")  # 工业
    PUBLIC = "public", _("public")  # 公共服务
    OTHER = "other", _("other")  # 其他


class Building(RegistryRecord, Shaped, Located):
    """A building's footprint (polygon); its point (`Located`) is the footprint's centre."""

    code = models.CharField(_("building code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)  # "3幢", "金沙湖大厦"
    estate = models.ForeignKey(
        Poi,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="buildings",
        verbose_name=_("estate"),
    )
    use = models.CharField(
        _("use"), max_length=16, choices=BuildingUse.choices, default=BuildingUse.RESIDENTIAL
    )
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    history = _history()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "code"], name="gis_building_code_unique")
        ]
        indexes = [models.Index(fields=["jurisdiction", "min_lng", "min_lat"], name="gis_building_bbox")]

    def __str__(self) -> str:
        return self.name


class AddressLevel(models.TextChoices):
    DOOR = "door", _("door number")  # 门牌: 文泽路88号
    BUILDING = "building", _("building")  # 楼栋: 云澜苑3幢
    UNIT = "unit", _("unit")  # 单元: 3幢2单元
    ROOM = "room", _("room")  # 户室: 3幢2单元301室


class StandardAddress(RegistryRecord, Located):
    """A standard address (标准地址): road and number, or estate, building, unit and room, at a point.

    `Located.address` holds the full written form ("钱塘区下沙街道文泽路88号云澜苑3幢2单元301室"),
    `Located.street/community/grid` the areas of the point.
    """

    code = models.CharField(_("address code"), max_length=40)
    level = models.CharField(_("address level"), max_length=16, choices=AddressLevel.choices)
    road = models.ForeignKey(
        Road,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="addresses",
        verbose_name=_("road"),
    )
    road_name = models.CharField(_("road name"), max_length=64, blank=True)  # as written, when no road record
    house_number = models.CharField(_("door number"), max_length=32, blank=True)  # "88号"
    estate = models.ForeignKey(
        Poi,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="addresses",
        verbose_name=_("estate"),
    )
    building = models.ForeignKey(
        Building,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="addresses",
        verbose_name=_("building"),
    )
    building_no = models.CharField(_("building number"), max_length=32, blank=True)  # "3幢"
    unit_no = models.CharField(_("unit"), max_length=16, blank=True)  # "2单元"
    room_no = models.CharField(_("room"), max_length=16, blank=True)  # "301室"
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    history = _history()

    class Meta:
        verbose_name = _("standard address")
        verbose_name_plural = _("standard addresses")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "code"], name="gis_address_code_unique")
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "road_name", "house_number"], name="gis_address_road_no")
        ]

    def __str__(self) -> str:
        return self.address
