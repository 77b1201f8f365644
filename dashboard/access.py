"""Who is looking, and what they may do: the deployment mode (``components.deploy``) and, in team mode, the user
signed in with Streamlit's own authentication (``st.login``, OpenID Connect, configured under ``[auth]`` in
``.streamlit/secrets.toml``) checked against the team's list (``[team]`` in the same file)."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from components import deploy


def _secrets_section(name: str) -> dict | None:
    """A section of the secrets file, or None when there is none (no file is not an error: it is not configured)."""
    try:
        section = st.secrets.get(name)
    except (FileNotFoundError, OSError, ValueError, KeyError, StreamlitAPIException):  # none, or not TOML
        return None
    return section.to_dict() if hasattr(section, "to_dict") else (dict(section) if section else None)


def sign_in_configured() -> bool:
    return bool(_secrets_section("auth"))


def rules() -> deploy.TeamRules:
    return deploy.team_rules(_secrets_section("team"))


def _user() -> dict:
    if not sign_in_configured():  # st.user needs [auth]; without it nobody is signed in
        return {}
    return {"is_logged_in": bool(st.user.is_logged_in), "email": st.user.get("email")}


def current() -> deploy.Access:
    mode = deploy.current()
    if not mode.sign_in:
        return deploy.access(mode)
    return deploy.access(mode, _user(), rules())


def _provider() -> str | None:
    """The provider to sign in with: ``[team] provider`` names one of ``[auth.<name>]``; else ``[auth]`` itself."""
    name = (_secrets_section("team") or {}).get("provider")
    return str(name) if name else None


def sidebar_account() -> None:
    """Team mode: the account line of the sidebar (sign in, who is signed in, sign out)."""
    from dashboard import frame  # the frame draws with the data module, which asks this one who is looking

    if not deploy.current().sign_in:
        return
    t = frame.t()
    if not sign_in_configured():
        st.warning(t("Signing in is not configured on this server ([auth] in .streamlit/secrets.toml): the "
                     "dashboard is read-only."), icon=":material/lock:")
        return
    who = current()
    if not who.signed_in:
        st.caption(t("Sign in to see the team's licensed datasets and to change data."))
        st.button(t("Sign in"), icon=":material/login:", key="sign_in", on_click=st.login,
                  args=(_provider(),) if _provider() else ())
        return
    if who.refused:
        st.warning(t("{email} is not on this team's list: signed in, but read-only, without the licensed "
                     "datasets.").format(email=frame.escape_md(who.email or "?")), icon=":material/block:")
    else:
        st.caption((t("Signed in as {email}; may change data.") if who.can_change
                    else t("Signed in as {email}; read-only.")).format(email=frame.escape_md(who.email or "")))
    st.button(t("Sign out"), icon=":material/logout:", key="sign_out", on_click=st.logout)
