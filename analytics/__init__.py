"""Everything that reads the warehouse and computes: SQL beside the question it answers, no Streamlit."""
