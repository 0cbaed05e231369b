"""Exports' reads: a time range's messages, conversation by conversation, in keyset pages."""
