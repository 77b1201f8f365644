"""Team mode in AppTest: who may look and who may change. The signed-in user is AppTest's (``at.user``), the sign-in
settings and the team's list are its secrets; the real sign-in through an OpenID Connect provider is in
test_team_browser.py."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from components import deploy, i18n
from components.imports.store import Store
from dashboard.frame import escape_md
from tests.conftest import APP, serve_with_a_stored_gtd_dataset

EDITOR, MEMBER, STRANGER = "alice@example.org", "bob@example.org", "mallory@elsewhere.test"
TEAM = {"allowed": ["@example.org"], "editors": [EDITOR]}
AUTH = {"redirect_uri": "http://127.0.0.1:9/oauth2callback", "cookie_secret": "x" * 32, "client_id": "c",
        "client_secret": "s", "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


def test_team_rules_match_addresses_and_domains():
    rules = deploy.team_rules(TEAM)
    assert rules.allows("Bob@Example.org") and rules.allows(EDITOR) and not rules.allows(STRANGER)
    assert rules.edits(EDITOR) and not rules.edits(MEMBER)
    assert not rules.allows("eve@notexample.org"), "a domain entry matches the whole domain, not a suffix of it"
    assert not deploy.team_rules(None).allows(EDITOR), "no list: nobody"
    editors_only = deploy.team_rules({"editors": EDITOR})
    assert editors_only.allows(EDITOR), "an editor is a member"


@pytest.mark.parametrize(("user", "expected"), [
    (None, deploy.Access()),
    ({"is_logged_in": False}, deploy.Access()),
    ({"is_logged_in": True, "email": STRANGER}, deploy.Access(signed_in=True, email=STRANGER, refused=True)),
    ({"is_logged_in": True, "email": MEMBER}, deploy.Access(signed_in=True, email=MEMBER, sees_licensed=True)),
    ({"is_logged_in": True, "email": EDITOR},
     deploy.Access(signed_in=True, email=EDITOR, sees_licensed=True, can_change=True)),
])
def test_access_in_team_mode(user, expected):
    assert deploy.access(deploy.TEAM, user, deploy.team_rules(TEAM)) == expected


def test_access_in_the_other_modes_ignores_any_user():
    alice = {"is_logged_in": True, "email": EDITOR}
    assert deploy.access(deploy.WORKSTATION, None).can_change
    assert deploy.access(deploy.PUBLIC, alice, deploy.team_rules(TEAM)) == deploy.Access()


@pytest.fixture
def team(monkeypatch, tmp_path, small_pack):
    """Team mode on the small pack, with a store holding one GTD dataset (licensed: no redistribution)."""
    monkeypatch.setenv("KZ_MODE", "team")
    var = tmp_path / "var"
    dataset_id = serve_with_a_stored_gtd_dataset(monkeypatch, var, small_pack, "Licensed sample")
    return small_pack, var, dataset_id


def open_as(user: str | None, page: str | None = None, *, auth: bool = True, lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets = {"team": TEAM, **({"auth": AUTH} if auth else {})}
    at.user = {"is_logged_in": True, "email": user} if user else {"is_logged_in": False}
    at.query_params["lang"] = lang
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def incidents(at: AppTest, lang: str = "en") -> int:
    return int(next(m.value for m in at.metric if m.label == i18n.load(lang)("Incidents")))


def texts(at: AppTest) -> str:
    return " ".join(e.value for kind in ("markdown", "caption", "info", "warning", "error", "success")
                    for e in getattr(at, kind)).replace("\\", "")


@pytest.mark.parametrize("user", [None, STRANGER])
def test_a_visitor_not_signed_in_as_a_member_sees_no_licensed_row_and_changes_nothing(team, user):
    pack, var, dataset_id = team
    at = open_as(user)
    assert incidents(at) == len(pack.tables["events"]), "the licensed dataset is not in the views"
    at.switch_page("app_pages/import_data.py").run()
    assert not at.exception
    assert not at.get("file_uploader") and not at.main.toggle, "no upload, no dataset's switch"
    assert "Licensed sample" not in texts(at)
    t = i18n.ENGLISH
    assert t.n("{n} licensed dataset (GTD, ACLED) is shown to the team's signed-in members only.",
               "{n} licensed datasets (GTD, ACLED) are shown to the team's signed-in members only.", 1) in texts(at)
    assert not [s for s in at.subheader if s.value == "Changes"], "the change log is the members'"
    sidebar = " ".join(e.value for e in at.sidebar.warning) + " ".join(e.value for e in at.sidebar.caption)
    if user:
        assert escape_md(STRANGER) in sidebar and at.sidebar.button(key="sign_out")
    else:
        assert at.sidebar.button(key="sign_in")


def test_a_member_sees_the_licensed_dataset_and_the_log_but_cannot_change(team):
    pack, var, dataset_id = team
    at = open_as(MEMBER)
    assert incidents(at) == len(pack.tables["events"]) + 2
    at.switch_page("app_pages/import_data.py").run()
    assert "Licensed sample" in texts(at)
    assert not at.get("file_uploader")
    assert at.toggle(key=f"ds_on_{dataset_id}").disabled
    assert not [b for b in at.button if b.key == f"ds_del_{dataset_id}"]
    assert [s for s in at.subheader if s.value == "Changes"]


def test_an_editor_changes_data_and_each_change_is_recorded_with_who(team):
    pack, var, dataset_id = team
    at = open_as(EDITOR, "app_pages/import_data.py")
    assert at.get("file_uploader")
    at.toggle(key=f"ds_on_{dataset_id}").set_value(False).run()
    assert not at.exception
    store = Store(var)
    assert not store.datasets()["enabled"].any()
    log = store.changes()
    assert (log.iloc[0]["actor"], log.iloc[0]["dataset_id"]) == (EDITOR, dataset_id)
    shown = at.dataframe[-1].value
    assert EDITOR in shown["actor"].tolist()


def test_team_mode_without_sign_in_settings_is_read_only_and_says_so(team):
    pack, var, dataset_id = team
    at = open_as(EDITOR, auth=False)
    assert incidents(at) == len(pack.tables["events"])
    assert any("[auth]" in w.value for w in at.sidebar.warning)
    at.switch_page("app_pages/import_data.py").run()
    assert not at.get("file_uploader")
