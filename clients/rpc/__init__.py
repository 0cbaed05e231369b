"""Typed async clients for the internal gRPC services.

Nobody calls a generated stub directly: the wrappers add the deadline, the caller's name and
its own credential, the tenant metadata and the trace context, and turn a gRPC status back
into a DomainError.
"""
