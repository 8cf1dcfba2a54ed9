"""Who may see what (DESIGN §5): the role file, what each role may do, and the viewer a session runs as.

The role file (`$FRONT_ROLES_FILE`) is a UTF-8 CSV with the header `identity,role,scope`:
- `identity`: the e-mail address the identity provider returns (matched ignoring case), or its `sub`;
- `role`: leader, analyst, data_officer or presenter;
- `scope`: `all`, a 2025 province code (2 digits) or a commune code (5 digits, or `PP/CCCCC`).
An identity absent from the file has no access. Lines starting with `#` are comments. A bad line makes the
whole file invalid (an administrator's typo must not silently widen or narrow anyone's access).
No Streamlit here: the ui layer asks `viewer_for` with what `st.user` says.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from analytics.scope import Scope

ROLES = ("leader", "analyst", "data_officer", "presenter")
PUBLIC = "public"
ALL_ROLES = (*ROLES, PUBLIC)

# What a role may do beyond reading aggregates (DESIGN §1, §5). Texts are citizens' (masked) words.
READS_TEXT = frozenset({"analyst"})
# Data officers load files; analysts too (they already send field corrections into the inbox, and read data
# quality before interpreting numbers). Leaders and presenters see neither.
UPLOADS = frozenset({"data_officer", "analyst"})
SEES_DATA_HEALTH = frozenset({"data_officer", "analyst"})
PUBLIC_PAGE = "cong-khai"  # url_path of the public view
TEXT_PAGES = frozenset({"tieng-noi"})  # pages whose purpose is reading citizens' words
DATA_HEALTH_PAGES = frozenset({"du-lieu", "suc-khoe-du-lieu"})


class RoleFileError(ValueError):
    """The role file cannot be used (missing, wrong header, a bad line)."""


@dataclass(frozen=True)
class Grant:
    """One line of the role file."""

    identity: str
    role: str
    scope: Scope


@dataclass(frozen=True)
class Viewer:
    """The person a session runs as: who (None for demo and public), their role and scope, and how they came
    (`oidc` signed in, `demo` without login, `public` anonymous view)."""

    identity: str | None
    role: str
    scope: Scope
    mode: str = "oidc"

    @property
    def reads_text(self) -> bool:
        return self.role in READS_TEXT

    @property
    def sees_data_health(self) -> bool:
        return self.role in SEES_DATA_HEALTH

    @property
    def uploads(self) -> bool:
        return self.role in UPLOADS


def _commune_province() -> Mapping[str, str]:
    from etl import geo

    frame = geo.commune_rows()
    return dict(zip(frame["commune_code"].to_list(), frame["province_code"].to_list(), strict=True))


def parse_scope(text: str, commune_province: Callable[[], Mapping[str, str]] = _commune_province) -> Scope:
    """`all`, `79`, `26734` or `79/26734` -> Scope (a bare commune code is looked up in the 2025 list)."""
    value = text.strip().lower()
    if value in ("all", "*", "toan_quoc"):
        return Scope.all()
    if "/" in value:
        province, commune = (part.strip() for part in value.split("/", 1))
        scope = Scope(province, commune)
        known = commune_province().get(commune)
        if known is not None and known != province:
            raise ValueError(f"commune {commune} is in province {known}, not {province}")
        return scope
    if value.isdigit() and len(value) == 2:
        return Scope(value)
    if value.isdigit() and len(value) == 5:
        province = commune_province().get(value)
        if province is None:
            raise ValueError(f"unknown commune code {value}")
        return Scope(province, value)
    raise ValueError(f"scope must be 'all', a province code or a commune code, got {text!r}")


def parse_roles(text: str, commune_province: Callable[[], Mapping[str, str]] = _commune_province) -> dict[str, Grant]:
    """The role file's grants by lower-cased identity; raises RoleFileError naming the line at fault."""
    lines = [line for line in text.lstrip("\ufeff").splitlines() if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if header[:3] != ["identity", "role", "scope"]:
        raise RoleFileError(f"the role file's header must be 'identity,role,scope', got {','.join(header)!r}")
    grants: dict[str, Grant] = {}
    for number, row in enumerate(reader, start=2):
        values = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        identity, role = values["identity"].lower(), values["role"].lower()
        if not identity:
            raise RoleFileError(f"line {number}: empty identity")
        if role not in ROLES:
            raise RoleFileError(f"line {number}: role must be one of {', '.join(ROLES)}, got {role!r}")
        if identity in grants:
            raise RoleFileError(f"line {number}: {identity} appears twice")
        try:
            scope = parse_scope(values["scope"], commune_province)
        except ValueError as exc:
            raise RoleFileError(f"line {number}: {exc}") from exc
        grants[identity] = Grant(identity, role, scope)
    return grants


def load_roles(path: Path) -> dict[str, Grant]:
    """Read and parse the role file at `path`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RoleFileError(f"cannot read the role file {path}: {exc.strerror}") from exc
    return parse_roles(text)


def viewer_for(grants: Mapping[str, Grant], email: str | None, subject: str | None) -> Viewer | None:
    """The signed-in person's Viewer from the identity provider's e-mail (or `sub`); None = no access."""
    for identity in (email, subject):
        if identity and (grant := grants.get(identity.strip().lower())):
            return Viewer(grant.identity, grant.role, grant.scope, "oidc")
    return None


def may_open(viewer: Viewer, page: str) -> bool:
    """Whether `viewer` may open the page with this url_path (the public view is open to everybody)."""
    if page == PUBLIC_PAGE:
        return True
    if viewer.role == PUBLIC:
        return False
    if page in DATA_HEALTH_PAGES:
        return viewer.sees_data_health
    if page in TEXT_PAGES:
        return viewer.reads_text
    return True
