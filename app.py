"""esr-geo: the planner's map (Streamlit). Widgets and layout only; analysis lives in esr_geo."""

from __future__ import annotations

import streamlit as st

from esr_geo import data
from esr_geo.errors import EsrGeoError
from esr_geo.rollout import load_rollout, statuses_on

st.set_page_config(page_title="esr-geo", layout="wide")
st.title("esr-geo: Employment Services Transformation planning")


@st.cache_data
def _statuses(on: str) -> object:
    return statuses_on(load_rollout(), on=on)


try:
    st.dataframe(_statuses(str(st.date_input("Date").isoformat())))  # type: ignore[union-attr]
except EsrGeoError as exc:
    st.error(str(exc))
st.caption(data.attribution_text(sep="  \n"))
