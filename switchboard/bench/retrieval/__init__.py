"""The agent's retrieval measured as a buyer meets it (issue #15): a labelled evaluation set of
six shops (`shops/*.yaml`), the harness that runs the agent's own FAQ-mode decision over it
(`harness.py`), and a 1,000-entry knowledge base for the latency figure (`synthetic.py`)."""
