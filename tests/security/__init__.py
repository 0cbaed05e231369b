"""The security suite: the probes of issue #19, as an intruder or a hostile tenant would try
them, against the running platform (two tenants, the public API, the bus, the database).

Here: the bus and the callers (test_bus_auth.py, test_bus_tls.py), tenant-supplied URLs
(test_ssrf.py), ids of another tenant (test_ownership.py), the database roles
(test_db_roles.py). Probes that live beside the code they guard, and belong to this suite too:

- bodies bounded before they are read, 413/408/431: tests/gateway/test_body_limit.py,
  tests/devstack/test_http_server.py;
- 4xx, never 5xx, for every bad input (NUL, forged cursors, out-of-range integers):
  tests/fuzz/test_bad_input.py and the fuzzers of tests/fuzz/;
- conversation changes reaching live clients, and only the tenant's own:
  tests/gateway/test_live_events.py, tests/tenancy/test_live_isolation.py;
- headers, tooling and metrics off the public port: tests/gateway/test_security_headers.py,
  tests/deploy/test_observability.py, tests/deploy/test_chart_security.py;
- row-level security on every table: tests/tenancy/.

docs/security.md is the threat model these hold.
"""
