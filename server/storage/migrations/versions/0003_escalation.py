"""Escalation: thread_heat, cases, case_events (append-only dossier), outbox, dashboard
sessions.

Revision ID: 0003_escalation
Revises: 0002_monitoring
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_escalation"
down_revision = "0002_monitoring"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "thread_heat",
        sa.Column("thread_id", sa.Integer, sa.ForeignKey("threads.id",
                  name="fk_thread_heat_thread_id_threads"), primary_key=True),
        sa.Column("school_id", sa.Integer, sa.ForeignKey("schools.id",
                  name="fk_thread_heat_school_id_schools"), nullable=False, index=True),
        sa.Column("hot", sa.Boolean, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("hot_since", TS), sa.Column("last_hot_at", TS),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("school_id", sa.Integer, sa.ForeignKey("schools.id",
                  name="fk_cases_school_id_schools"), nullable=False, index=True),
        sa.Column("thread_id", sa.Integer, sa.ForeignKey("threads.id",
                  name="fk_cases_thread_id_threads"), index=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id",
                  name="fk_cases_account_id_accounts")),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("opened_by_user_id", sa.Integer, sa.ForeignKey("users.id",
                  name="fk_cases_opened_by_user_id_users")),
        sa.Column("state", sa.String(20), nullable=False, index=True),
        sa.Column("plan_name", sa.String(200), nullable=False),
        sa.Column("current_step", sa.String(100)),
        sa.Column("step_started_at", TS, nullable=False),
        sa.Column("step_due_at", TS),
        sa.Column("reminders_sent", sa.Integer, nullable=False),
        sa.Column("assigned_role", sa.String(20), nullable=False),
        sa.Column("assignee_user_id", sa.Integer, sa.ForeignKey("users.id",
                  name="fk_cases_assignee_user_id_users")),
        sa.Column("poster_role", sa.String(20), nullable=False),
        sa.Column("score", sa.Float),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("categories", sa.JSON, nullable=False),
        sa.Column("severity", sa.String(10)),
        sa.Column("trigger_comment_ids", sa.JSON, nullable=False),
        sa.Column("statement_text", sa.Text),
        sa.Column("statement_posted_at", TS),
        sa.Column("stop_reacting_sent_at", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("closed_at", TS),
    )
    # one OPEN case per thread, also when two instances detect at the same moment
    op.create_index("uq_cases_open_thread", "cases", ["thread_id"], unique=True,
                    sqlite_where=sa.text("state = 'open'"),
                    postgresql_where=sa.text("state = 'open'"))
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id",
                  name="fk_case_events_case_id_cases"), nullable=False, index=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor_user_id", sa.Integer, sa.ForeignKey("users.id",
                  name="fk_case_events_actor_user_id_users")),
        sa.Column("actor_label", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("step_id", sa.String(100)),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dedupe_key", sa.String(300), nullable=False, unique=True),
        sa.Column("school_id", sa.Integer, sa.ForeignKey("schools.id",
                  name="fk_outbox_school_id_schools"), index=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id",
                  name="fk_outbox_case_id_cases"), index=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("destination", sa.String(1000), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False, index=True),
        sa.Column("claimed_until", TS),
        sa.Column("last_error", sa.String(1000)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS),
    )
    op.create_table(
        "dashboard_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id",
                  name="fk_dashboard_sessions_user_id_users"), nullable=False, index=True),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
    )
    # the dossier is append-only: refuse UPDATE and DELETE at the database
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER case_events_no_{verb.lower()} BEFORE {verb} ON case_events "
                "BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END"
            )
    elif bind.dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION case_events_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'case_events is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events "
            "FOR EACH ROW EXECUTE FUNCTION case_events_append_only()"
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS case_events_append_only ON case_events")
        op.execute("DROP FUNCTION IF EXISTS case_events_append_only()")
    op.drop_index("uq_cases_open_thread", "cases")
    for table in ("dashboard_sessions", "outbox", "case_events", "cases", "thread_heat"):
        op.drop_table(table)
