"""The smallest app that signs in with Streamlit's own authentication, for tests/test_oidc_login.py.

LOGIN_APP_PROVIDER names the [auth.<name>] section to sign in with (unset: the client settings are in [auth]
itself). LOGIN_APP_EDITORS lists, comma-separated, the emails that may change imported data: the provider only
says who someone is, the app decides what they may do.
"""

import os

import streamlit as st

PROVIDER = os.environ.get("LOGIN_APP_PROVIDER") or None
EDITORS = {email.strip().lower() for email in os.environ.get("LOGIN_APP_EDITORS", "").split(",") if email.strip()}

st.title("Sign-in check")

if not st.user.is_logged_in:
    st.markdown("Signed out")
    if st.button("Log in"):
        st.login(PROVIDER)
else:
    email = st.user.email
    st.markdown(f"Signed in as {email}")
    st.markdown(f"Name: {st.user.name}")
    st.markdown("May change imported data" if str(email).lower() in EDITORS else "Read only")
    if st.button("Log out"):
        st.logout()
