"""The dashboard fixtures (`db`, `env`) for every test module of this folder."""

from tests.server.dashboard.test_dashboard import db, env  # noqa: F401
