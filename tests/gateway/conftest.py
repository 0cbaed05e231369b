"""Fixtures of the gateway's in-process tests."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.gateway.graphql_fakes import fake_state


@pytest.fixture
def state() -> SimpleNamespace:
    """The gateway's state on recording fakes of the services (tests/gateway/graphql_fakes.py)."""
    return fake_state()
