"""Alembic environment. Used programmatically by `Database.migrate()` (connection passed in
`config.attributes["connection"]`); `render_as_batch` lets later migrations ALTER on SQLite."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from server.storage.models import Base

target_metadata = Base.metadata
config = context.config


def run_with(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_with(connection)
else:  # `alembic -x url=sqlite:///var/denkna.sqlite3 upgrade heads` from a shell
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    engine = create_engine(url.replace("+aiosqlite", "").replace("+asyncpg", "+psycopg"))
    with engine.begin() as conn:
        run_with(conn)
