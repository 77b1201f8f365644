"""How the dashboard is deployed: one setting, ``KZ_MODE``, says who it serves and what they may do.

- ``workstation`` (the default, ``make run``): one analyst on their own machine. Served on 127.0.0.1 only; the
  import page and the local store as they are.
- ``public`` (``make serve-public``): the curated data pack for anyone, read-only. No import page, no store opened,
  no imported row in any view, export or briefing pack; nothing a visitor can change.
- ``team`` (``make serve-team``): analysts share imported datasets on one server. Anyone allowed may look; signing
  in is required to import, switch on or off, rename or delete, and licensed datasets are shown only to signed-in
  users.

A value that is not one of these fails closed: the app runs as ``public`` and says why, so that a misspelt setting
on a server never opens the import page to the world. Pure code: the app asks ``current()`` once per run."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from components.i18n import Msg

ENV = "KZ_MODE"


@dataclass(frozen=True)
class Mode:
    name: str
    imports: bool  # the store is opened, its datasets shown and the import page served
    sign_in: bool  # changing data needs a signed-in, allowed user (team)
    problem: Msg | None = None  # set when the setting was not understood (and public was chosen instead)

    @property
    def public(self) -> bool:
        return self.name == "public"


WORKSTATION = Mode("workstation", imports=True, sign_in=False)
PUBLIC = Mode("public", imports=False, sign_in=False)
TEAM = Mode("team", imports=True, sign_in=True)
MODES = {m.name: m for m in (WORKSTATION, PUBLIC, TEAM)}
DEFAULT = WORKSTATION


def mode_of(value: str | None) -> Mode:
    """The mode a setting names: blank is the default; an unknown value is public, with the reason attached."""
    text = (value or "").strip().lower()
    if not text:
        return DEFAULT
    if text in MODES:
        return MODES[text]
    return Mode(PUBLIC.name, PUBLIC.imports, PUBLIC.sign_in,
                problem=Msg("The setting {env}={value!r} is not a mode (workstation, public or team): the "
                            "dashboard runs read-only, as public.", env=ENV, value=value.strip()[:40]))


def current(environ: Mapping[str, str] | None = None) -> Mode:
    return mode_of((os.environ if environ is None else environ).get(ENV))


@dataclass(frozen=True)
class TeamRules:
    """Who may do what in team mode, from ``[team]`` in ``.streamlit/secrets.toml``: ``allowed`` (may sign in and
    see the licensed datasets) and ``editors`` (may also import, switch, rename and delete; editors are allowed).
    An entry is an email address or ``@domain`` for everyone at that domain; case does not matter."""

    allowed: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()

    @staticmethod
    def _matches(email: str, entries: tuple[str, ...]) -> bool:
        email = email.strip().lower()
        return bool(email) and any(email == e or (e.startswith("@") and email.endswith(e)) for e in entries)

    def allows(self, email: str) -> bool:
        return self._matches(email, self.allowed) or self.edits(email)

    def edits(self, email: str) -> bool:
        return self._matches(email, self.editors)


def team_rules(section: Mapping | None) -> TeamRules:
    """The rules of a ``[team]`` section (missing or malformed entries: nobody)."""
    def entries(key: str) -> tuple[str, ...]:
        value = (section or {}).get(key) or ()
        if isinstance(value, str):
            value = [value]
        return tuple(str(v).strip().lower() for v in value if str(v).strip())
    return TeamRules(entries("allowed"), entries("editors"))


@dataclass(frozen=True)
class Access:
    """What the person looking may do: see the licensed datasets, change the stored ones; ``email`` is whom a
    change is recorded under (None on a workstation: its one analyst)."""

    signed_in: bool = False
    email: str | None = None
    refused: bool = False  # signed in, but not on the team's list
    sees_licensed: bool = False
    can_change: bool = False


def access(mode: Mode, user: Mapping | None = None, rules: TeamRules | None = None) -> Access:
    """The access of a visitor in ``mode``: on a workstation, everything; in public, nothing beyond looking; in
    team mode, by the signed-in user's email (``user``: ``st.user``'s fields) and the team's rules."""
    if mode.name == WORKSTATION.name:
        return Access(sees_licensed=True, can_change=True)
    if not mode.sign_in:
        return Access()
    user = user or {}
    if not user.get("is_logged_in"):
        return Access()
    email = str(user.get("email") or "").strip()
    rules = rules or TeamRules()
    if not rules.allows(email):
        return Access(signed_in=True, email=email, refused=True)
    return Access(signed_in=True, email=email, sees_licensed=True, can_change=rules.edits(email))
