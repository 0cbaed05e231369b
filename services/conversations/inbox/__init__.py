"""The inbox's reads: which conversations a list shows (filters, sorts, keyset pages) and what
a manager may change on one."""
