"""Streamlit glue shared by pages: cached data access, filter bar, i18n, chart builders, page frame."""
