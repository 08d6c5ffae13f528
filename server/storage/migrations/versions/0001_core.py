"""Core tables: schools, users, api_tokens, accounts, threads, comments, counters, audit_log,
school_settings.

Revision ID: 0001_core
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "schools",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("slug", sa.String(100), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_schools"),
        sa.UniqueConstraint("slug", name="uq_schools_slug"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("school_id", sa.Integer, nullable=True),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(300), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name="fk_users_school_id_schools"),
        sa.UniqueConstraint("email", name="uq_users_email"),
    )
    op.create_index("ix_users_school_id", "users", ["school_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("label", sa.String(200), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
        sa.Column("last_used_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_api_tokens_user_id_users"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("school_id", sa.Integer, nullable=False),
        sa.Column("platform", sa.String(40), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("official", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name="fk_accounts_school_id_schools"
        ),
        sa.UniqueConstraint("platform", "external_id", name="uq_accounts_platform_external_id"),
    )
    op.create_index("ix_accounts_school_id", "accounts", ["school_id"])
    op.create_table(
        "threads",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("school_id", sa.Integer, nullable=False),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("external_post_id", sa.String(200), nullable=False),
        sa.Column("permalink", sa.String(1000), nullable=True),
        sa.Column("title", sa.String(500), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_activity_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_threads"),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name="fk_threads_school_id_schools"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_threads_account_id_accounts"
        ),
        sa.UniqueConstraint(
            "account_id", "external_post_id", name="uq_threads_account_id_external_post_id"
        ),
    )
    op.create_index("ix_threads_school_id", "threads", ["school_id"])
    op.create_index("ix_threads_account_id", "threads", ["account_id"])
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("school_id", sa.Integer, nullable=False),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("thread_id", sa.Integer, nullable=False),
        sa.Column("platform", sa.String(40), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=False),
        sa.Column("parent_external_id", sa.String(200), nullable=True),
        sa.Column("author_external_id", sa.String(200), nullable=True),
        sa.Column("author_name", sa.String(200), nullable=True),
        sa.Column("author_role", sa.String(20), nullable=False),
        sa.Column("text", sa.Text, nullable=True),
        sa.Column("permalink", sa.String(1000), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("ingested_at", TS, nullable=False),
        sa.Column("edited_at", TS, nullable=True),
        sa.Column("deleted_at", TS, nullable=True),
        sa.Column("hidden", sa.Boolean, nullable=False),
        sa.Column("scores", sa.JSON, nullable=False),
        sa.Column("flags", sa.JSON, nullable=False),
        sa.Column("max_severity", sa.String(10), nullable=True),
        sa.Column("flagged", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_comments"),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name="fk_comments_school_id_schools"
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_comments_account_id_accounts"
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["threads.id"], name="fk_comments_thread_id_threads"
        ),
        sa.UniqueConstraint("platform", "external_id", name="uq_comments_platform_external_id"),
    )
    op.create_index("ix_comments_school_id", "comments", ["school_id"])
    op.create_index("ix_comments_account_id", "comments", ["account_id"])
    op.create_index("ix_comments_thread_id", "comments", ["thread_id"])
    op.create_index("ix_comments_ingested_at", "comments", ["ingested_at"])
    op.create_table(
        "counters",
        sa.Column("school_id", sa.Integer, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("school_id", "day", "category", "event", name="pk_counters"),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name="fk_counters_school_id_schools"
        ),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("school_id", sa.Integer, nullable=True),
        sa.Column("actor_user_id", sa.Integer, nullable=True),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("target", sa.String(200), nullable=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name="fk_audit_log_school_id_schools"
        ),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["users.id"], name="fk_audit_log_actor_user_id_users"
        ),
    )
    op.create_index("ix_audit_log_school_id", "audit_log", ["school_id"])
    op.create_table(
        "school_settings",
        sa.Column("school_id", sa.Integer, nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("school_id", "key", name="pk_school_settings"),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name="fk_school_settings_school_id_schools"
        ),
    )


def downgrade() -> None:
    for table in (
        "school_settings",
        "audit_log",
        "counters",
        "comments",
        "threads",
        "accounts",
        "api_tokens",
        "users",
        "schools",
    ):
        op.drop_table(table)
