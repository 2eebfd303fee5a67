"""Number formats per unit. Percentages are stored as published (54 means 54%), so a
value taken from DfE equals DfE's figure exactly; the format only adds the sign."""

from __future__ import annotations

FORMATS = {
    "percent": ('0"%"', '0.0"%"'),
    "rate_per_10k": ("#,##0", "#,##0.0"),
    "count": ("#,##0", "#,##0.0"),
    "days": ("#,##0", "#,##0.0"),
    "minutes": ("#,##0", "#,##0.0"),
    "score": ("0.0", "0.0"),
    "gbp": ('"£"#,##0', '"£"#,##0.00'),
    "gbp_m": ('"£"#,##0.0"m"', '"£"#,##0.0"m"'),
}


def number_format(unit: str, value: float) -> str:
    whole, fractional = FORMATS[unit]
    return whole if float(value).is_integer() else fractional
