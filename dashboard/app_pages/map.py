"""Placeholder: being built."""

import streamlit as st

st.title("map")
st.info("This view is being built.")
