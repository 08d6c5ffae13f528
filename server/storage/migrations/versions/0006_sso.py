"""Single sign-on (issue 19): the school's OIDC set-up, sign-ins on their way, provider
identities, and an expiry and a scope on API tokens (the extension's tokens rotate and may only
check drafts and report outcomes).

Revision ID: 0006_sso
Revises: 0005_login_throttle
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_sso"
down_revision = "0005_login_throttle"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", TS))
        batch.add_column(sa.Column("scope", sa.String(20)))
    op.create_table(
        "school_sso",
        sa.Column("school_id", sa.Integer, sa.ForeignKey("schools.id",
                  name="fk_school_sso_school_id_schools"), primary_key=True),
        sa.Column("issuer", sa.String(500), nullable=False),
        sa.Column("client_id", sa.String(300), nullable=False),
        sa.Column("client_secret_encrypted", sa.Text),
        sa.Column("allowed_domains", sa.JSON, nullable=False),
        sa.Column("group_claim", sa.String(100)),
        sa.Column("leadership_groups", sa.JSON, nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("password_login", sa.Boolean, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("school_id", name="pk_school_sso"),
    )
    op.create_table(
        "sso_flows",
        sa.Column("state_hash", sa.String(64), primary_key=True),
        sa.Column("school_id", sa.Integer, sa.ForeignKey("schools.id",
                  name="fk_sso_flows_school_id_schools"), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("nonce", sa.String(100), nullable=False),
        sa.Column("code_verifier", sa.String(200), nullable=False),
        sa.Column("next_path", sa.String(2000)),
        sa.Column("ext_challenge", sa.String(200)),
        sa.Column("ext_state", sa.String(200)),
        sa.Column("handoff_hash", sa.String(64)),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id",
                  name="fk_sso_flows_user_id_users")),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("state_hash", name="pk_sso_flows"),
        sa.UniqueConstraint("handoff_hash", name="uq_sso_flows_handoff_hash"),
    )
    op.create_index("ix_sso_flows_expires_at", "sso_flows", ["expires_at"])
    op.create_table(
        "sso_identities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id",
                  name="fk_sso_identities_user_id_users"), nullable=False),
        sa.Column("issuer", sa.String(500), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("role_from_group", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_login_at", TS),
        sa.PrimaryKeyConstraint("id", name="pk_sso_identities"),
        sa.UniqueConstraint("issuer", "subject", name="uq_sso_identities_issuer_subject"),
    )
    op.create_index("ix_sso_identities_user_id", "sso_identities", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_sso_identities_user_id", "sso_identities")
    op.drop_table("sso_identities")
    op.drop_index("ix_sso_flows_expires_at", "sso_flows")
    op.drop_table("sso_flows")
    op.drop_table("school_sso")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("scope")
        batch.drop_column("expires_at")
