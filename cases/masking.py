"""Masking of parties' personal data (name, phone, ID number) for lists, exports and the API.

Every helper keeps the length of its input, so a masked value still looks like what it is, and
never returns a short input whole: when there is too little to hide the usual part, it shows
less, not more.
"""

MASK = "*"


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
    """330106199001191234 → 330106********1234: the region code and the last four stay."""
    return _mask(value, 6, 4, min_hidden=4)


def mask_name(value: str | None) -> str:
    """张三丰 → 张**: the family name's first character stays; a one-character name is hidden."""
    value = (value or "").strip()
    if len(value) <= 1:
        return MASK * len(value)
    return value[0] + MASK * (len(value) - 1)
