"""Login gate, the viewer a session runs as, which pages they get, and the audit of what they do.

- With an `[auth]` section in `.streamlit/secrets.toml` the app uses Streamlit's OIDC login (`st.login`,
  `st.user`, `st.logout`); the signed-in e-mail (or `sub`) is looked up in the role file
  (`$FRONT_ROLES_FILE`, analytics/access.py). Anonymous visitors get the login screen and the public view;
  an identity without a line in the file gets a polite "no access" page and nothing else.
- Without it the app runs in demo mode: a banner says so and a labelled role switcher lets every role
  (and the public view) be tried, with any province as scope.
Pages ask `viewer()` (or `viewer_role()`, `data.viewer_scope()`); they never decide access themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import polars as pl
import streamlit as st

import config
from analytics import access, suppress
from analytics.access import Viewer
from analytics.filters import Filters
from analytics.scope import Scope
from etl import audit
from ui.i18n import current_language, fmt_int, t

_LOG = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent.parent
VIEWER_KEY = "_auth_viewer"
DEMO_ROLE, DEMO_SCOPE = "demo_role", "demo_scope"
DEMO_DEFAULT_ROLE = "analyst"
LOGIN_PAGE, NO_ACCESS_PAGE = "dang-nhap", "khong-co-quyen"
ALL = ""


def oidc_configured() -> bool:
    """True when `.streamlit/secrets.toml` (or `--secrets.files`) has an `[auth]` section."""
    try:
        return bool(st.secrets.load_if_toml_exists() and "auth" in st.secrets)
    except Exception:  # an unreadable secrets file must not open the app: treat as configured-but-broken
        _LOG.exception("secrets could not be read")
        return True


@st.cache_data(ttl=60, show_spinner=False)
def _grants(path: str, mtime: float) -> dict[str, access.Grant]:
    del mtime  # in the key so an edited role file is re-read
    return access.load_roles(Path(path))


def _grants_now() -> dict[str, access.Grant]:
    path = config.roles_file()
    if path is None or not path.exists():
        return {}
    try:
        return _grants(str(path), path.stat().st_mtime)
    except access.RoleFileError:
        _LOG.exception("role file rejected")
        return {}


def _user_value(name: str) -> str | None:
    try:
        value = st.user.get(name)
    except Exception:
        return None
    return str(value) if value else None


def _signed_in_viewer() -> Viewer | None:
    """The viewer for the signed-in person; None when they are anonymous; role "none" when unmapped."""
    if not st.user.is_logged_in:
        return None
    email, subject = _user_value("email"), _user_value("sub")
    found = access.viewer_for(_grants_now(), email, subject)
    return found or Viewer(email or subject, "none", Scope.all(), "oidc")


def _demo_viewer() -> Viewer:
    role = st.session_state.get(DEMO_ROLE) or DEMO_DEFAULT_ROLE
    if role not in access.ALL_ROLES:
        role = DEMO_DEFAULT_ROLE
    scope_code = st.session_state.get(DEMO_SCOPE) or ALL
    scope = Scope(scope_code) if scope_code and role != access.PUBLIC else Scope.all()
    return Viewer(None, role, scope, "demo")


def gate(presenting: bool = False) -> Viewer:
    """Who this session is (app.py calls it before anything else). Logs the first sign-in of a session.

    Returns a Viewer whose role is "anonymous" (OIDC, not signed in) or "none" (signed in, no access) when
    the person may see no data; `pages()` then gives them only the login or no-access page. In presentation
    mode nothing is drawn in the sidebar and the presenter's rules apply whatever the person's role."""
    if presenting:
        found = (
            _demo_viewer()
            if not oidc_configured()
            else _signed_in_viewer() or Viewer(None, "anonymous", Scope.all(), "oidc")
        )
        if found.role in access.ROLES:  # never widens: public and unmapped people stay as they are
            found = replace(found, role="presenter")
        st.session_state[VIEWER_KEY] = found
        return found
    if not oidc_configured():
        st.warning(t("auth.demo_banner"), icon=":material/theater_comedy:")
        _demo_switcher()
        found = _demo_viewer()
    else:
        found = _signed_in_viewer() or Viewer(None, "anonymous", Scope.all(), "oidc")
        if found.identity and not st.session_state.get("_auth_logged"):
            st.session_state["_auth_logged"] = True
            _audit("login" if found.role != "none" else "denied", found)
        if st.user.is_logged_in:
            _account_box(found)
    st.session_state[VIEWER_KEY] = found
    return found


def viewer() -> Viewer:
    """The current session's viewer (set by `gate()`); the strictest one if the gate has not run."""
    found = st.session_state.get(VIEWER_KEY)
    return found if isinstance(found, Viewer) else Viewer(None, access.PUBLIC, Scope.all(), "public")


def viewer_role() -> str:
    """The current viewer's role (what pages pass to the small-count rules)."""
    return viewer().role


def has_data_access(found: Viewer) -> bool:
    """False for anonymous visitors and signed-in people without a line in the role file."""
    return found.role in access.ALL_ROLES


def pages(found: Viewer, candidates: Sequence[st.Page]) -> list[st.Page]:
    """The pages `found` may open, in order; only the login / no-access page when they may see no data."""
    public = [p for p in candidates if p.url_path == access.PUBLIC_PAGE]
    if found.role == "anonymous":
        login = st.Page(HERE / "app_pages" / "login.py", title=t("auth.login_title"), icon=":material/login:",
                        url_path=LOGIN_PAGE, default=True)  # fmt: skip
        return [login, *public]
    if found.role == "none":
        return [
            st.Page(
                HERE / "app_pages" / "no_access.py",
                title=t("auth.no_access_title"),
                icon=":material/block:",
                url_path=NO_ACCESS_PAGE,
                default=True,
            )  # fmt: skip
        ]
    allowed = [p for p in candidates if access.may_open(found, p.url_path)]
    if found.role == access.PUBLIC:
        return public
    return [p for p in allowed if p.url_path != access.PUBLIC_PAGE] + public


def _demo_switcher() -> None:
    """The demo's role and scope switcher in the sidebar, clearly labelled as a demo tool."""
    from ui import data

    role_labels = {role: t(f"auth.role.{role}") for role in access.ALL_ROLES}
    with st.sidebar:
        st.subheader(t("auth.demo_switcher"))
        st.selectbox(
            t("auth.demo_role"),
            list(access.ALL_ROLES),
            index=list(access.ALL_ROLES).index(DEMO_DEFAULT_ROLE),
            format_func=role_labels.__getitem__,  # labels fixed at draw time (AppTest formats later)
            key=DEMO_ROLE,
            help=t("auth.demo_role_help"),
        )
        try:
            provinces = data.provinces(Scope.all())
            labels = {ALL: t("auth.scope_all")} | dict(provinces.select("province_code", "name_vi").iter_rows())
        except Exception:
            labels = {ALL: t("auth.scope_all")}
        st.selectbox(
            t("auth.demo_scope"),
            list(labels),
            format_func=lambda c: labels.get(c, c),
            key=DEMO_SCOPE,
            disabled=st.session_state.get(DEMO_ROLE) == access.PUBLIC,
        )


def _account_box(found: Viewer) -> None:
    with st.sidebar:
        if found.identity:
            st.caption(t("auth.signed_in_as", who=found.identity, role=t(f"auth.role.{found.role}")))
        st.button(t("auth.logout"), on_click=_logout, icon=":material/logout:", key="auth_logout")


def _logout() -> None:
    _audit("logout", viewer())
    st.logout()


def login_button() -> None:
    """The login screen's button (app_pages/login.py)."""
    st.button(t("auth.login_button"), on_click=st.login, type="primary", icon=":material/login:")


def _audit(event: str, found: Viewer, **details: object) -> None:
    try:
        audit.append(
            event,
            identity=found.identity,
            role=found.role,
            scope=_scope_text(found.scope),
            mode=found.mode,
            **details,
        )
    except Exception:  # the audit must never take the page down; the server log says why
        _LOG.exception("audit append failed")


def _scope_text(scope: Scope) -> str:
    return scope.commune_code or scope.province_code or "all"


def audit_view(page: str, filters: Filters | None) -> None:
    """Log a page view with its filters (once per distinct page + filters in a session, not every rerun)."""
    found = viewer()
    page = page or "/"  # the default page is served at "/"
    shown = _filters_dict(filters)
    key = (page, repr(shown), found)
    if st.session_state.get("_auth_last_view") == key:
        return
    st.session_state["_auth_last_view"] = key
    _audit("view", found, page=page, filters=shown)


def audit_export(
    name: str, filters: Filters | None = None, rows: int | None = None, *, found: Viewer | None = None
) -> None:
    """Log an export (CSV, deck): pass as a download button's on_click, e.g. `lambda: audit_export(...)`.
    `found`: the viewer taken during the page's run, for code that runs outside it (a download button's
    deferred data callable has no session)."""
    _audit("export", found or viewer(), export=name, filters=_filters_dict(filters), rows=rows)


def _filters_dict(filters: Filters | None) -> dict[str, object] | None:
    if filters is None:
        return None
    return {
        "from": str(filters.date_from) if filters.date_from else None,
        "to": str(filters.date_to) if filters.date_to else None,
        "province": filters.province_code,
        "commune": filters.commune_code,
        "fields": list(filters.fields),
        "channels": list(filters.channels),
    }


def fmt_count(value: int | None, lang: str | None = None, role: str | None = None) -> str:
    """A count for the screen: the number, or the role's small-count label ("<5", "<10") when hidden."""
    lang = lang or current_language()
    if value is not None:
        return fmt_int(value, lang)
    return suppress.small_count_label(role or viewer_role(), "screen") or "—"


def count_cells(frame: pl.DataFrame, columns: Sequence[str], lang: str | None = None) -> pl.DataFrame:
    """`columns` of a protected frame (analytics.protected) as screen text: the number, or for a hidden cell
    the role's small-count label ("<5", "<10") — "ẩn" in a row hidden by complementary suppression, whose
    hidden cell may be large. For tables (st.dataframe); the frame's other columns are unchanged."""
    lang = lang or current_language()
    label = suppress.small_count_label(viewer_role(), "screen") or "—"
    hidden = t("auth.hidden")
    complementary = frame["complementary"] if "complementary" in frame.columns else pl.Series([False] * frame.height)
    return frame.with_columns(
        pl.Series(
            column,
            [
                fmt_int(v, lang) if v is not None else hidden if c else label
                for v, c in zip(frame[column].to_list(), complementary.fill_null(False).to_list(), strict=True)
            ],
            dtype=pl.String,
        )
        for column in columns
    )


def small_count_note() -> str | None:
    """The caption explaining the viewer's on-screen small-count rule; None for exact roles."""
    role = viewer_role()
    label = suppress.small_count_label(role, "screen")
    if label is None:
        return None
    return t("auth.small_counts", limit=suppress.threshold(role, "screen"), label=label)
