"""The channels service: channel accounts (Avito first), inbound normalization, outbound sends.

See README.md for its RPCs, events, consumers, tables and settings.
"""
