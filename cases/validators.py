"""Checks on values that the model, the API and the services share."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as NumberInvalid

# The resident ID number as stored: 17 digits and a check character (GB 11643). The database
# holds the same pattern as the check constraint ``party_id_number_format``.
ID_NUMBER_PATTERN = r"^[0-9]{17}[0-9X]$"


def validate_id_number(value: str) -> None:
    """An 18-character resident ID number (GB 11643) with a real birth date and a right check
    character. The region code is not looked up: stdnum's table dates each county code, and
    would refuse a person born before their county got the code they carry."""
    if not re.fullmatch(ID_NUMBER_PATTERN, value):
        raise ValidationError(_("身份证号应为18位，末位可为X"), code="id_number_format")
    if ric.calc_check_digit(value) != value[-1]:
        raise ValidationError(_("身份证号校验位不正确，请核对"), code="id_number_checksum")
    try:
        ric.get_birth_date(value)
    except NumberInvalid:
        raise ValidationError(_("身份证号中的出生日期无效"), code="id_number_birth_date") from None
