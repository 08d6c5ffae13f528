"""Mastodon apps: the app Denkna registered on each Mastodon instance (per redirect URI), kept
and reused instead of registering a new one on every connect; the client secret encrypted.

Revision ID: 0007_mastodon_apps
Revises: 0006_sso
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_mastodon_apps"
down_revision = "0006_sso"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "mastodon_apps",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("instance", sa.String(300), nullable=False),
        sa.Column("redirect_uri", sa.String(1000), nullable=False),
        sa.Column("client_id", sa.String(300), nullable=False),
        sa.Column("client_secret_encrypted", sa.Text, nullable=False),
        sa.Column("scopes", sa.String(500), nullable=False),
        sa.Column("registered_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_mastodon_apps"),
        sa.UniqueConstraint("instance", "redirect_uri",
                            name="uq_mastodon_apps_instance_redirect_uri"),
    )


def downgrade() -> None:
    op.drop_table("mastodon_apps")
