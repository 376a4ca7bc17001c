"""Masking of personal data for viewers who may not see it in full (DESIGN §9, ``cases.privacy``).

- phone 13800001234 → 138****1234; ID number 330106199001191234 → 330***********1234: each keeps
  the length of its input, and never returns a short input whole: when there is too little to
  hide the usual part, it shows less, not more;
- name 张三丰 → 张某: the family name (a compound one such as 欧阳 whole) and 某;
- address → cut after the building (:func:`mask_address`).
"""

import re

MASK = "*"
# What stands for a cut-off part of an address.
CUT = "***"


def _mask(value: str | None, head: int, tail: int, *, min_hidden: int) -> str:
    value = (value or "").strip()
    length = len(value)
    if length == 0:
        return ""
    if length < head + tail + min_hidden:
        # Too short for the usual shape: show at most a quarter of it, at the end.
        head, tail = 0, min(tail, length // 4)
    hidden = length - head - tail
    return value[:head] + MASK * hidden + value[length - tail :]


def mask_phone(value: str | None) -> str:
    """13800001234 → 138****1234: the carrier prefix and the last four digits stay."""
    return _mask(value, 3, 4, min_hidden=4)


def mask_id_number(value: str | None) -> str:
    """330106199001191234 → 330***********1234: the province code and the last four stay
    (the city and county codes and the birth date go)."""
    return _mask(value, 3, 4, min_hidden=8)


# Two-character family names common enough to meet at a station; any other name keeps one.
COMPOUND_SURNAMES = frozenset(
    {
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "令狐",
        "司徒",
        "夏侯",
        "轩辕",
        "端木",
        "宇文",
        "西门",
        "南宫",
        "独孤",
        "申屠",
        "太史",
        "钟离",
        "闻人",
        "赫连",
        "澹台",
        "公冶",
        "宗政",
        "濮阳",
        "淳于",
        "单于",
        "太叔",
        "仲孙",
        "呼延",
        "万俟",
        "司空",
        "百里",
        "东郭",
        "拓跋",
    }
)


def mask_name(value: str | None) -> str:
    """张三丰 → 张某, 欧阳娜娜 → 欧阳某: the family name and 某. A one-character name is 某."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) == 1:
        return "某"
    surname = value[:2] if value[:2] in COMPOUND_SURNAMES and len(value) > 2 else value[0]
    return surname + "某"


# Where a Chinese address names its building: a number (Arabic, full-width or Chinese numerals,
# or a letter such as A座) followed by 号楼 / 幢 / 栋 / 座 — 3幢, 12号楼, 五栋, B座. A bare 楼 is
# not one: "金桥大厦15楼" is the 15th floor of the building 金桥大厦 (rule 2 cuts after 大厦).
_NUMBER = r"[0-9０-９A-Za-zＡ-Ｚ一二三四五六七八九十百零〇两]+"
_BUILDING = re.compile(rf"{_NUMBER}\s*(?:号楼|幢|栋|座)")
# Without a building: the last place before a house number — a compound, village, group, road,
# lane… ("城西路15号" keeps "城西路", "张家村5组23号" keeps "张家村5组").
_PLACE = re.compile(rf"(?:小区|花园|公寓|苑|园|大厦|广场|新村|村|社区|{_NUMBER}组|路|街|大道|巷|弄|里|胡同)")


def mask_address(value: str | None) -> str:
    """An address cut after the building, so it says which building, not which home.

    1. If it names a building (3幢, 12号楼, B座 …): everything up to and including the first one;
       the unit, floor and room after it go: 幸福小区3幢2单元501室 → 幸福小区3幢***.
    2. Else, up to the end of the last place word before the house number (小区/苑/村/组/路/街/
       巷/弄 …): 城西路15号 → 城西路***; 张家村5组23号 → 张家村5组***.
    3. Else (nothing recognised): at most the first half, so a masked address never shows more
       than it hides.
    Nothing to cut (the address is only a compound or a road): shown as it is.
    """
    value = (value or "").strip()
    if not value:
        return ""
    building = _BUILDING.search(value)
    if building:
        keep = value[: building.end()]
    else:
        places = list(_PLACE.finditer(value))
        keep = value[: places[-1].end()] if places else value[: len(value) // 2]
    return value if keep == value else keep + CUT
