"""Russian text normalisation for retrieval, offline (dictionaries ship in the wheels): brand and
tech words in Latin written in Cyrillic (`translit.py`), words to their dictionary form
(`lemmas.py`), and typo tolerance against the knowledge base's own words (`typos.py`).
`pipeline.py` puts the first two together; documents (at indexing) and questions (at query) go
through the same `normalise`, so both sides meet in one form."""
