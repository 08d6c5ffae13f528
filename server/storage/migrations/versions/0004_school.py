"""The school's own data: consent_pupils (the consent list) and false_alarms ("klopt niet"
counts).

Revision ID: 0004_school
Revises: 0003_escalation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_school"
down_revision = "0003_escalation"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "consent_pupils",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("school_id", sa.Integer, sa.ForeignKey(
            "schools.id", name="fk_consent_pupils_school_id_schools"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("class_name", sa.String(60), nullable=False),
        sa.Column("consent", sa.Boolean, nullable=False),
        sa.Column("imported_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_consent_pupils"),
    )
    op.create_index("ix_consent_pupils_school_id", "consent_pupils", ["school_id"])
    op.create_table(
        "false_alarms",
        sa.Column("school_id", sa.Integer, sa.ForeignKey(
            "schools.id", name="fk_false_alarms_school_id_schools"), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("subtype", sa.String(40), nullable=False),
        sa.Column("raised_by", sa.String(40), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("school_id", "day", "category", "subtype", "raised_by", "reason",
                                name="pk_false_alarms"),
    )


def downgrade() -> None:
    op.drop_table("false_alarms")
    op.drop_index("ix_consent_pupils_school_id", table_name="consent_pupils")
    op.drop_table("consent_pupils")
