"""Login gate, the viewer a session runs as, which pages they get, and the audit of what they do.

- With a valid `[auth]` section in `.streamlit/secrets.toml` the app uses Streamlit's OIDC login (`st.login`,
  `st.user`, `st.logout`); the signed-in e-mail (or `sub`) is looked up in the role file
  (`$FRONT_ROLES_FILE`, analytics/access.py). Anonymous visitors get the login screen and the public view;
  an identity without a line in the file gets a polite "no access" page and nothing else.
- Demo mode only when asked for and safe (DESIGN §4.1): `FRONT_DEMO=1` (set by `make run`), no role file, and
  a warehouse whose meta says it is synthetic (or none yet). A banner says so and a labelled role switcher
  lets every role (and the public view) be tried, with any province as scope.
- Otherwise — no `[auth]`, a misspelt or incomplete one, a role file without login, demo mode on real data —
  the app shows a configuration error page and nothing else (not even the public view).
Pages ask `viewer()` (or `viewer_role()`, `data.viewer_scope()`); they never decide access themselves.
"""

from __future__ import annotations

import difflib
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl
import streamlit as st

import config
from analytics import access, db, suppress
from analytics.access import Viewer
from analytics.filters import Filters
from analytics.scope import Scope
from etl import audit
from ui.i18n import current_language, fmt_int, t

_LOG = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent.parent
VIEWER_KEY = "_auth_viewer"
SETUP_KEY = "_auth_setup_problems"
DEMO_ROLE, DEMO_SCOPE = "demo_role", "demo_scope"
DEMO_DEFAULT_ROLE = "analyst"
LOGIN_PAGE, NO_ACCESS_PAGE, SETUP_PAGE = "dang-nhap", "khong-co-quyen", "cau-hinh"
REFUSED = "refused"  # the role of a session the configuration lets see nothing (setup error page only)
ALL = ""
# What st.login needs in [auth] for the default provider (streamlit.auth_util.validate_auth_credentials).
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
PLACEHOLDER = "CHANGE-ME"  # .streamlit/secrets.toml.example's values


@dataclass(frozen=True)
class Setup:
    """How the app may run: `oidc` (login), `demo` (FRONT_DEMO=1 on synthetic data) or `refused` (the
    configuration error page only), with the texts saying why it is refused."""

    mode: str
    problems: tuple[str, ...] = ()


def auth_problems() -> tuple[str, ...]:
    """What is wrong with the `[auth]` section of `.streamlit/secrets.toml` (or `--secrets.files`); empty when
    st.login can work. A misspelt section (`[Auth]`, `[auht]`), missing or empty keys and the example's
    CHANGE-ME values all count as not configured."""
    try:
        if not st.secrets.load_if_toml_exists():
            return (t("setup.no_secrets"),)
        sections = {name: value for name, value in st.secrets.items()}
    except Exception:  # an unreadable secrets file must not open the app
        _LOG.exception("secrets could not be read")
        return (t("setup.secrets_unreadable"),)
    section = sections.get("auth")
    if not hasattr(section, "get"):
        near = [n for n in sections if n.lower() == "auth" or difflib.get_close_matches(n.lower(), ["auth"], 1, 0.6)]
        return (t("setup.no_auth"), *(t("setup.misspelt", found=name) for name in near))
    values = {key: section.get(key) for key in AUTH_KEYS}
    missing = [key for key, value in values.items() if not isinstance(value, str) or not value.strip()]
    placeholders = [key for key, value in values.items() if isinstance(value, str) and PLACEHOLDER in value]
    problems = []
    if missing:
        problems.append(t("setup.missing_keys", keys=", ".join(missing)))
    if placeholders:
        problems.append(t("setup.placeholder", keys=", ".join(placeholders)))
    return tuple(problems)


def oidc_configured() -> bool:
    """True when `[auth]` is complete enough for st.login (see `auth_problems`)."""
    return not auth_problems()


@st.cache_data(show_spinner=False, max_entries=8)
def _synthetic_at(path: str) -> bool:
    from ui import data

    try:
        found = db.query(data.connection_at(path), "SELECT value FROM meta WHERE key = 'synthetic'")
    except Exception:  # unreadable: not known to be synthetic
        _LOG.exception("warehouse meta could not be read")
        return False
    return found.height == 1 and str(found["value"][0]).strip().lower() == "true"


def _warehouse_is_synthetic() -> bool | None:
    """Whether the current generation says it holds only `etl demo` data; None before the first load."""
    from ui import data

    path = data.warehouse_path()
    return None if path is None else _synthetic_at(path)


LOGIN_SECRETS = ("FRONT_PII_KEY", "FRONT_AUDIT_KEY")  # with real data both come from the service's environment


def setup() -> Setup:
    """Login, demo mode or the configuration error page (DESIGN §4.1): demo mode needs FRONT_DEMO=1, no role
    file and a synthetic warehouse; a role file without a valid [auth] is refused."""
    problems = auth_problems()
    if not problems:
        missing = [name for name in LOGIN_SECRETS if not os.environ.get(name)]
        if missing:  # else each process would make up its own key beside the data (docs/disclosure-control.md)
            return Setup(REFUSED, (t("setup.missing_secrets", names=", ".join(missing)),))
        return Setup("oidc")
    if config.roles_file() is not None:
        return Setup(REFUSED, (t("setup.roles_without_auth"), *problems))
    if not config.demo_requested():
        return Setup(REFUSED, problems)
    if _warehouse_is_synthetic() is False:
        return Setup(REFUSED, (t("setup.demo_real_data"),))
    return Setup("demo")


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
    mode nothing is drawn in the sidebar and the presenter's rules apply whatever the person's role.
    Role "refused" when the configuration lets nobody in (`setup()`): `pages()` gives only its error page."""
    how = setup()
    if how.mode == REFUSED:
        if not st.session_state.get("_auth_refusal_logged"):
            st.session_state["_auth_refusal_logged"] = True
            _LOG.error("configuration refused, no data shown: %s", " | ".join(how.problems))
        found = Viewer(None, REFUSED, Scope.all(), REFUSED)
        st.session_state[VIEWER_KEY] = found
        st.session_state[SETUP_KEY] = how.problems
        return found
    if presenting:
        found = (
            _demo_viewer()
            if how.mode == "demo"
            else _signed_in_viewer() or Viewer(None, "anonymous", Scope.all(), "oidc")
        )
        if found.role in access.ROLES:  # never widens: public and unmapped people stay as they are
            found = replace(found, role="presenter")
        st.session_state[VIEWER_KEY] = found
        return found
    if how.mode == "demo":
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
    """False for anonymous visitors, signed-in people without a line in the role file, and everybody when the
    configuration is refused."""
    return found.role in access.ALL_ROLES


def _only_page(script: str, title: str, icon: str, url_path: str) -> st.Page:
    """The default page of a session that may see no data (configuration error, login, no access)."""
    return st.Page(HERE / "app_pages" / script, title=title, icon=icon, url_path=url_path, default=True)


def pages(found: Viewer, candidates: Sequence[st.Page]) -> list[st.Page]:
    """The pages `found` may open, in order; only the login / no-access page when they may see no data."""
    if found.role == REFUSED:  # nothing else, not even the public view
        return [_only_page("setup_error.py", t("setup.title"), ":material/settings_alert:", SETUP_PAGE)]
    public = [p for p in candidates if p.url_path == access.PUBLIC_PAGE]
    if found.role == "anonymous":
        return [_only_page("login.py", t("auth.login_title"), ":material/login:", LOGIN_PAGE), *public]
    if found.role == "none":
        return [_only_page("no_access.py", t("auth.no_access_title"), ":material/block:", NO_ACCESS_PAGE)]
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


def setup_problems() -> tuple[str, ...]:
    """Why the configuration was refused (for the error page)."""
    return tuple(st.session_state.get(SETUP_KEY) or ())


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
    return t("auth.small_counts", limit=suppress.threshold(role, "screen"), label=label, bound=suppress.NOISE_BOUND)
