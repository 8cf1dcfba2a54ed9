"""The viewer's scope: which part of the country a person may see (DESIGN §5).

Every analytics function takes a `Scope` and filters in SQL with `scope_predicate`; passing anything else
(None included) raises, so a query cannot forget it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Scope:
    """All provinces (both None), one province, or one commune of a province."""

    province_code: str | None = None
    commune_code: str | None = None

    def __post_init__(self) -> None:
        for name, value, width in (("province_code", self.province_code, 2), ("commune_code", self.commune_code, 5)):
            if value is not None and not (isinstance(value, str) and value.isdigit() and len(value) == width):
                raise ValueError(f"{name} must be {width} digits, got {value!r}")
        if self.commune_code is not None and self.province_code is None:
            raise ValueError("a commune scope names its province too")

    @classmethod
    def all(cls) -> Scope:
        """The whole country."""
        return cls()

    @property
    def is_all(self) -> bool:
        return self.province_code is None


def scope_predicate(
    scope: Scope, alias: str, *, commune_column: str | None = "commune_code"
) -> tuple[str, dict[str, Any]]:
    """SQL condition and parameters restricting table `alias` to `scope`.

    `commune_column=None` is for tables without communes (e.g. dim_province): a commune scope then keeps
    only its province.
    """
    if not isinstance(scope, Scope):
        raise TypeError(f"a Scope is required, got {type(scope).__name__}")
    if not alias.isidentifier():
        raise ValueError(f"bad table alias {alias!r}")
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if scope.province_code is not None:
        clauses.append(f"{alias}.province_code = $scope_province")
        params["scope_province"] = scope.province_code
    if scope.commune_code is not None and commune_column is not None:
        clauses.append(f"{alias}.{commune_column} = $scope_commune")
        params["scope_commune"] = scope.commune_code
    return (" AND ".join(clauses) or "TRUE"), params
