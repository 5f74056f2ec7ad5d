"""What a data interface is (DESIGN rule 5): the record base, the shared field types and mixins, the spec and its registry.

Every field type is `Annotated[<python type>, <Rule>]`: the rule validates with a Chinese message, states the
JSON schema (so /api/docs shows it) and describes itself for the integration guide.
"""
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Annotated, ClassVar, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import core_schema

from wastewatch.registry.models import credit_code_validator, phone_validator, plate_validator

from .codes import FLAG, SITE_STATE, Rule, invalid, shown

TIME_PATTERN = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
NET_TOLERANCE_T = Decimal("0.01")


@dataclass(frozen=True, eq=False)
class Format(Rule):
    """A string that matches `pattern`; `within_org` also requires it to start with the record's orgCode."""

    pattern: str
    message: str  # what a valid value looks like
    kind: str = "编码"
    strptime: str | None = None  # also a real calendar date/time in this format
    within_org: bool = False
    personal: str = ""  # personal data: how it is masked (core.masking), and it is encrypted at rest

    def __get_pydantic_core_schema__(self, source, handler):
        return core_schema.with_info_plain_validator_function(self.check)

    def check(self, value, info: ValidationInfo | None = None):
        if not isinstance(value, str) or not re.fullmatch(self.pattern, value) or not self._is_real_time(value):
            raise invalid("invalid_format", f"应为：{self.message}；收到“{shown(value)}”")
        org = (info.data or {}).get("orgCode") if info and self.within_org else None
        if org and not value.startswith(org):
            raise invalid("invalid_format", f"编码“{value}”应以本记录的区划代码 orgCode（{org}）开头")
        return value

    def _is_real_time(self, value: str) -> bool:
        if not self.strptime:
            return True
        try:
            datetime.strptime(value, self.strptime)
        except ValueError:
            return False
        return True

    def json_schema(self) -> dict:
        return {"type": "string", "pattern": self.pattern}

    def rule(self) -> str:
        return self.message + ("；须以 orgCode 开头" if self.within_org else "")


@dataclass(frozen=True, eq=False)
class Text(Rule):
    """Free text: not blank, at most `max_length` characters."""

    max_length: int
    personal: str = ""  # personal data: how it is masked (core.masking), and it is encrypted at rest

    def check(self, value):
        if isinstance(value, str) and value.strip() and len(value) <= self.max_length:
            return value
        raise invalid("invalid_text", f"应为不超过 {self.max_length} 个字符的非空文本，收到“{shown(value)}”")

    def json_schema(self) -> dict:
        return {"type": "string", "minLength": 1, "maxLength": self.max_length}

    def rule(self) -> str:
        return f"非空，最长 {self.max_length} 个字符"


@dataclass(frozen=True, eq=False)
class Quantity(Rule):
    """A number in a unit within [ge, le] (or (ge, le] when `gt`); a JSON number or a decimal string."""

    unit: str
    ge: int
    le: int
    gt: bool = False
    integer: bool = False

    @property
    def kind(self) -> str:
        return "整数" if self.integer else "数值"

    def check(self, value):
        number = self._number(value)
        if number is None or not self._within(number) or (self.integer and number != number.to_integral_value()):
            raise invalid("invalid_number", f"应为{self.rule()}，收到“{shown(value)}”")
        return int(number) if self.integer else number

    def _within(self, number: Decimal) -> bool:
        return (number > self.ge if self.gt else number >= self.ge) and number <= self.le

    @staticmethod
    def _number(value) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None

    def json_schema(self) -> dict:
        bound = "exclusiveMinimum" if self.gt else "minimum"
        return {"type": "integer" if self.integer else "number", bound: self.ge, "maximum": self.le}

    def rule(self) -> str:
        low = "大于" if self.gt else "不小于"
        return f"{low} {self.ge} 且不大于 {self.le} 的{self.kind}（单位：{self.unit}）"


def tonnes(le: int, *, gt: bool = True):
    """A weight in tonnes: more than 0 (or at least 0 with gt=False) and at most `le`."""
    return Annotated[Decimal, Quantity("吨", 0, le, gt=gt)]


def count(unit: str, le: int, *, ge: int = 0):
    return Annotated[int, Quantity(unit, ge, le, integer=True)]


ENTITY_CODE = "所在区划代码 12 位 + 顺序号 6 位"


def digits(n: int, composition: str, *, own: bool = False):
    """A code of `n` digits; `own`: the record's own code, which starts with its orgCode."""
    return Annotated[str, Format(rf"^\d{{{n}}}$", f"{n} 位数字编码（{composition}）", within_org=own)]


OrgCode = Annotated[str, Format(r"^\d{12}$", "12 位统计用区划代码，如社区 331002001001、县级单位 331002000000")]
OwnCode = digits(18, ENTITY_CODE, own=True)
EntityCode = digits(18, ENTITY_CODE)
# The registry's validators, so that a code the interface accepts is one the registry accepts.
Plate = Annotated[str, Format(plate_validator.regex.pattern, "车牌号，如 浙J12345、新能源车 浙JD12345")]
Phone = Annotated[str, Format(phone_validator.regex.pattern, "11 位手机号或带区号的固定电话，如 13805761234、0576-88123456",
                              personal="phone")]
CreditCode = Annotated[str, Format(credit_code_validator.regex.pattern, "18 位统一社会信用代码")]
Serial = Annotated[str, Format(r"^[0-9A-Za-z_-]{1,32}$", "1–32 位字母、数字、下划线或连字符")]
Time = Annotated[str, Format(
    TIME_PATTERN, "yyyy-MM-dd HH:mm:ss，北京时间（Asia/Shanghai），如 2025-04-25 08:30:00", kind="时间",
    strptime="%Y-%m-%d %H:%M:%S",
)]
Date = Annotated[str, Format(DATE_PATTERN, "yyyy-MM-dd，北京时间的日历日，如 2025-04-25", kind="日期", strptime="%Y-%m-%d")]
Url = Annotated[str, Format(r"^https?://\S{1,500}$", "互联网可访问的 http(s) 地址", kind="网址")]
OpenTime = Annotated[str, Format(
    r"^\d{2}:\d{2}-\d{2}:\d{2}(,\d{2}:\d{2}-\d{2}:\d{2})*$", "HH:mm-HH:mm，多个时段用英文逗号分隔，如 06:30-09:00,18:00-20:30",
    kind="时段",
)]
Area = Annotated[Decimal, Quantity("平方米", 0, 10_000_000, gt=True)]
Name = Annotated[str, Text(100)]
Address = Annotated[str, Text(200)]
Person = Annotated[str, Text(32, personal="name")]
Lon = Annotated[Decimal, Quantity("度", 73, 136)]
Lat = Annotated[Decimal, Quantity("度", 3, 54)]
Flag = Annotated[str, FLAG]


def rule_of(info) -> tuple[Rule | None, tuple]:
    """The Rule in a field's metadata (also inside Optional[Annotated[...]]) and its Literal values, if any."""
    found = [m for m in info.metadata if isinstance(m, Rule)]
    stack, literals = [info.annotation], ()
    while stack:
        annotation = stack.pop()
        if get_origin(annotation) is Literal:
            literals = get_args(annotation)
        elif hasattr(annotation, "__metadata__"):
            found += [m for m in annotation.__metadata__ if isinstance(m, Rule)]
            stack.append(get_args(annotation)[0])
        else:
            stack.extend(get_args(annotation))
    return (found[0] if found else None), literals


class Record(BaseModel):
    """The fields every record of every interface carries."""

    model_config = ConfigDict(extra="forbid")
    # Cross-field rules a class enforces, in Chinese, listed in the guide (collected over the MRO).
    checks: ClassVar[tuple[str, ...]] = ()

    uid: Annotated[str, Format(r"^\S{1,64}$", "1–64 个非空白字符", kind="字符串")] = Field(
        description="记录唯一标识，由报送方生成，建议全局唯一；同一条记录原样重复推送不会重复入库",
    )
    operation: Literal["I", "U", "D"] = Field(description="操作类型：I=新增，U=修改，D=删除（按业务主键定位，须携带完整记录）")
    orgCode: OrgCode = Field(description="所属区划代码：记录所在社区/村的 12 位统计用区划代码；县级单位和车辆可用县级代码")


class Located(BaseModel):
    lon: Lon = Field(description="经度（度，东经），坐标系见 coordSystem")
    lat: Lat = Field(description="纬度（度，北纬），坐标系见 coordSystem")
    coordSystem: Literal["WGS84", "GCJ02", "BD09"] = Field(
        "WGS84", description="坐标系：WGS84（默认，GPS/北斗原始坐标）、GCJ02（高德/腾讯地图）、BD09（百度地图）；平台统一转换为 WGS-84 保存",
    )


class Site(Located):
    address: Address = Field(description="详细地址")
    state: Annotated[str, SITE_STATE] = Field(description="运行状态")
    videoMonitor: Flag = Field(description="是否接入视频监控")


class Operated(BaseModel):
    operationUnit: Name = Field(description="运营单位名称")
    operationDate: Date | None = Field(None, description="投入运营日期")


class Designed(BaseModel):
    dailyDesignValue: tonnes(20000) = Field(description="设计日处理（收集）能力，吨/日")


class Officer(BaseModel):
    officer: Person | None = Field(None, description="负责人姓名（个人信息，加密保存）")
    officerMobile: Phone | None = Field(None, description="负责人联系电话（个人信息，加密保存）")


class Weighing(BaseModel):
    """A weighbridge reading: gross on the way in, tare when the emptied vehicle is weighed again, net = gross − tare."""

    checks: ClassVar[tuple[str, ...]] = (
        f"净重 weight = 毛重 totalWeight − 皮重 actualWeight，允许误差 {NET_TOLERANCE_T} 吨；净重须大于 0 且不超过 60 吨",
    )

    totalWeight: Annotated[Decimal, Quantity("吨", 0, 100, gt=True)] = Field(description="毛重（吨）：满载车辆过磅重量")
    actualWeight: Annotated[Decimal, Quantity("吨", 0, 60)] = Field(
        description="皮重（吨）：卸料后空车实际回皮称得的重量（不是行驶证登记的整备质量）",
    )
    weight: tonnes(60) = Field(description="净重（吨）：本车垃圾重量，等于毛重 totalWeight 减皮重 actualWeight")

    @field_validator("weight")
    @classmethod
    def net_is_gross_minus_tare(cls, net, info: ValidationInfo):
        gross, tare = info.data.get("totalWeight"), info.data.get("actualWeight")
        if gross is not None and tare is not None and abs(gross - tare - net) > NET_TOLERANCE_T:
            raise invalid(
                "inconsistent_weight",
                f"净重 weight（{net}）应等于毛重 totalWeight（{gross}）减皮重 actualWeight（{tare}）= {gross - tare}，"
                f"允许误差 {NET_TOLERANCE_T} 吨",
            )
        return net


def exactly_one(record: BaseModel, fields: tuple[str, ...]) -> None:
    """Cross-field rule: exactly one of `fields` is filled."""
    filled = [f for f in fields if getattr(record, f) is not None]
    if len(filled) != 1:
        raise invalid("one_of", f"{'、'.join(fields)} 应填写且只填写一个，收到 {len(filled)} 个", field=fields[0])


def required_when(record: BaseModel, condition: str, value: str, fields: tuple[str, ...]) -> None:
    """Cross-field rule: when `condition` equals `value`, every one of `fields` is filled."""
    if getattr(record, condition) == value:
        missing = [f for f in fields if getattr(record, f) is None]
        if missing:
            raise invalid("required_when", f"{condition} 为 {value} 时必须填写 {'、'.join(missing)}", field=missing[0])


FREQUENCIES = {"daily": "一天一次", "realtime": "实时"}
STORES = ("registry", "ledger", "tracking", "events")
CODE_RE = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class Reference:
    """`field` holds the business key of a record of interface `spec_code`, which must have been pushed before.

    `when` = (field, value): the reference holds only for records where that field has that value.
    An empty optional field references nothing.
    """

    field: str
    spec_code: str
    when: tuple[str, str] | None = None

    def applies(self, data: dict) -> bool:
        if data.get(self.field) in (None, ""):
            return False
        return self.when is None or str(data.get(self.when[0])) == self.when[1]


@dataclass(frozen=True, eq=False)
class InterfaceSpec:
    code: str  # URL slug
    number: int  # position in the Taizhou list of 35
    name: str
    group: str
    provincial: bool
    provincial_path: str
    frequency: str  # a key of FREQUENCIES
    business_key: tuple[str, ...]
    record: type[Record]
    references: tuple[Reference, ...]
    lands_in: str  # "<store>:<target>", store in STORES
    deadline_group: str  # the annex-2 milestone row
    example: dict = field(repr=False)
    note: str = ""  # annex-3 requirements and remarks, in Chinese

    def __post_init__(self):
        fields = self.record.model_fields
        problems = [f"field {f!r} not in the record" for f in (*self.business_key, *(r.field for r in self.references)) if f not in fields]
        if not CODE_RE.match(self.code):
            problems.append(f"code {self.code!r} is not a URL slug")
        if self.frequency not in FREQUENCIES:
            problems.append(f"unknown frequency {self.frequency!r}")
        if self.lands_in.split(":")[0] not in STORES:
            problems.append(f"lands_in {self.lands_in!r} names no store")
        if problems:
            raise ValueError(f"interface spec {self.code}: " + "; ".join(problems))

    @cached_property
    def personal_fields(self) -> dict[str, str]:
        """Field → mask kind of the personal data this interface carries (encrypted at rest, masked on screen)."""
        rules = {name: rule_of(info)[0] for name, info in self.record.model_fields.items()}
        return {name: rule.personal for name, rule in rules.items() if getattr(rule, "personal", "")}

    @property
    def frequency_label(self) -> str:
        return FREQUENCIES[self.frequency]

    def rules(self) -> list[str]:
        """The cross-field rules of the record model, in Chinese."""
        return [rule for cls in reversed(self.record.__mro__) for rule in vars(cls).get("checks", ())]


CATALOGUE: dict[str, InterfaceSpec] = {}


def register(*specs: InterfaceSpec) -> None:
    numbers = {s.number for s in CATALOGUE.values()}
    for spec in specs:
        if spec.code in CATALOGUE or spec.number in numbers:
            raise ValueError(f"interface {spec.code} / number {spec.number} registered twice")
        CATALOGUE[spec.code] = spec
        numbers.add(spec.number)


def get(code: str) -> InterfaceSpec:
    """The spec of an interface; KeyError when there is none."""
    return CATALOGUE[code]


def all_specs() -> list[InterfaceSpec]:
    return sorted(CATALOGUE.values(), key=lambda s: s.number)


def provincial() -> list[InterfaceSpec]:
    return [s for s in all_specs() if s.provincial]


def push_order(specs) -> list:
    """The specs with every referenced interface before the ones that reference it; otherwise by catalogue number."""
    by_code = {s.code: s for s in specs}
    order, placed = [], set()

    def place(spec, path):
        if spec.code in placed:
            return
        for ref in spec.references:
            needed = by_code.get(ref.spec_code)
            if needed is not None and needed.code not in path:
                place(needed, path | {spec.code})
        placed.add(spec.code)
        order.append(spec)

    for spec in sorted(specs, key=lambda s: s.number):
        place(spec, {spec.code})
    return order
