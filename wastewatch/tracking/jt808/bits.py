"""The alarm and status words of a JT/T 808 location report (表 24, 表 25 of JT/T 808-2013; the 2019 edition keeps
the same positions) and the additional information items (表 27)."""

ALARM_BITS = {
    0: "紧急报警", 1: "超速报警", 2: "疲劳驾驶", 3: "危险预警", 4: "GNSS 模块故障", 5: "GNSS 天线未接或被剪断",
    6: "GNSS 天线短路", 7: "终端主电源欠压", 8: "终端主电源掉电", 9: "终端 LCD 或显示器故障", 10: "TTS 模块故障",
    11: "摄像头故障", 12: "道路运输证 IC 卡模块故障", 13: "超速预警", 14: "疲劳驾驶预警", 18: "当天累计驾驶超时",
    19: "超时停车", 20: "进出区域", 21: "进出路线", 22: "路段行驶时间不足/过长", 23: "路线偏离报警", 24: "车辆 VSS 故障",
    25: "车辆油量异常", 26: "车辆被盗", 27: "车辆非法点火", 28: "车辆非法位移", 29: "碰撞预警", 30: "侧翻预警", 31: "非法开门报警",
}
# The bits that raise a terminal_alarm alert: someone needs to act (emergency, tampering, power cut, theft).
# Overspeed (bit 1) is not among them: the platform's own overspeed rule judges the reported speed.
ALERT_BITS = (0, 5, 8, 26, 27, 28, 29, 30, 31)
ALERT_ALARM_BITS = sum(1 << b for b in ALERT_BITS)

STATUS_ACC = 1 << 0
STATUS_POSITIONED = 1 << 1
STATUS_SOUTH = 1 << 2
STATUS_WEST = 1 << 3
STATUS_BITS = {0: "ACC 开", 1: "已定位", 2: "南纬", 3: "西经", 4: "停运", 5: "经纬度已加密", 10: "油路断开", 11: "电路断开",
               12: "车门加锁", 18: "GPS 定位", 19: "北斗定位", 20: "GLONASS 定位", 21: "Galileo 定位"}

# Additional information items: id → (name, decoder of the value bytes).
EXTRA_ITEMS = {
    0x01: ("mileage_km", lambda b: int.from_bytes(b, "big") / 10),  # 1/10 km
    0x02: ("fuel_l", lambda b: int.from_bytes(b, "big") / 10),  # 1/10 L
    0x03: ("tachograph_speed_kmh", lambda b: int.from_bytes(b, "big") / 10),  # 1/10 km/h
    0x04: ("alarm_event_id", lambda b: int.from_bytes(b, "big")),
    0x25: ("vehicle_signal", lambda b: int.from_bytes(b, "big")),
    0x2A: ("io_status", lambda b: int.from_bytes(b, "big")),
    0x30: ("signal_strength", lambda b: int.from_bytes(b, "big")),
    0x31: ("satellites", lambda b: int.from_bytes(b, "big")),
}


def alarm_names(word: int) -> list[str]:
    return [name for bit, name in ALARM_BITS.items() if word & (1 << bit)]


def status_names(word: int) -> list[str]:
    return [name for bit, name in STATUS_BITS.items() if word & (1 << bit)]
