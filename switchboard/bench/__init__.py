"""Benchmarks measured by `make bench` (design §7): each returns a dict of numbers."""
