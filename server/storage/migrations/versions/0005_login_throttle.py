"""Login throttle: failed dashboard logins per account and per IP address (issue 17).

Revision ID: 0005_login_throttle
Revises: 0004_school
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_login_throttle"
down_revision = "0004_school"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(400), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failure_at", TS, nullable=False),
        sa.Column("blocked_until", TS),
        sa.Column("locked", sa.Boolean, nullable=False),
    )
    op.create_index("ix_login_throttle_blocked_until", "login_throttle", ["blocked_until"])


def downgrade() -> None:
    op.drop_index("ix_login_throttle_blocked_until", "login_throttle")
    op.drop_table("login_throttle")
