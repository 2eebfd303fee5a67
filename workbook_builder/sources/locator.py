"""The locator: what a mapping asks of a source reader (validated with the mapping, by pydantic)."""

from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Locator(BaseModel):
    """Where one value is in one source: what a mapping asks of a reader.

    * workbook/CSV tables (ChAT, local): ``sheet``, ``table`` (title above the header row),
      ``row`` (label in the table's first column) and ``column`` (header);
    * long tables (DfE open data, local): ``filters`` (column: value) and ``column``, with
      ``period`` ('latest', 'previous' or a value of the period column);
    * DfE open data: ``area`` (la, sn, england) defaults from the series being filled;
    * LAIT downloads: ``sheet`` (the indicator sheet or its title) and ``period`` (a year
      column, 'latest' or 'previous'), the row found from ``area`` (the LA by code, England,
      or the statistical-neighbour row); no ``column``.
    Optional arithmetic, done by the resolver on what the reader returns: ``divide_by`` (another
    row/column of the same table or another filter set), then ``scale`` and ``round``.
    Each reader's ``check`` says which of these fields its kind needs.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # NaN and infinity are never figures

    source: str
    sheet: Optional[str] = None
    table: Optional[str] = None
    row: Optional[str] = None
    column: Optional[str] = None
    filters: dict[str, Union[str, int]] = Field(default_factory=dict)
    period: str = "latest"
    period_column: Optional[str] = None
    area: Optional[Literal["la", "sn", "england"]] = None
    divide_by: Optional["Locator"] = None
    scale: Optional[float] = None
    round: Optional[int] = None
    line: int = 0

    @field_validator("filters", mode="before")
    @classmethod
    def _filters_as_text(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): str(v) for k, v in value.items()}
        return value

    @property
    def filters_text(self) -> str:
        """The filters as the Audit shows them: ``measure=cla_rate, age=0-17``."""
        return ", ".join(f"{k}={v}" for k, v in self.filters.items())


__all__ = ["Locator"]
