"""Monitoring: account_credentials (encrypted tokens), poll_state (cursor, lease, health),
author_roles.

Revision ID: 0002_monitoring
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_monitoring"
down_revision = "0001_core"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "account_credentials",
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("token_encrypted", sa.Text, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("updated_by_user_id", sa.Integer, nullable=True),
        sa.PrimaryKeyConstraint("account_id", name="pk_account_credentials"),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name="fk_account_credentials_account_id_accounts"),
        sa.ForeignKeyConstraint(["updated_by_user_id"], ["users.id"],
                                name="fk_account_credentials_updated_by_user_id_users"),
    )
    op.create_table(
        "poll_state",
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("cursor", sa.JSON, nullable=False),
        sa.Column("lease_owner", sa.String(100), nullable=True),
        sa.Column("lease_until", TS, nullable=True),
        sa.Column("next_attempt_at", TS, nullable=True),
        sa.Column("last_attempt_at", TS, nullable=True),
        sa.Column("last_success", TS, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("consecutive_failures", sa.Integer, nullable=False),
        sa.Column("skipped_malformed", sa.Integer, nullable=False),
        sa.Column("comments_seen", sa.Integer, nullable=False),
        sa.Column("reauth_alerted_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("account_id", name="pk_poll_state"),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name="fk_poll_state_account_id_accounts"),
    )
    op.create_table(
        "author_roles",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("school_id", sa.Integer, nullable=False),
        sa.Column("platform", sa.String(40), nullable=False),
        sa.Column("author_external_id", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("label", sa.String(200), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_author_roles"),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"],
                                name="fk_author_roles_school_id_schools"),
        sa.UniqueConstraint("school_id", "platform", "author_external_id",
                            name="uq_author_roles_school_id_platform_author_external_id"),
    )
    op.create_index("ix_author_roles_school_id", "author_roles", ["school_id"])


def downgrade() -> None:
    op.drop_index("ix_author_roles_school_id", "author_roles")
    op.drop_table("author_roles")
    op.drop_table("poll_state")
    op.drop_table("account_credentials")
