"""question_formats: question formats and options, ballots, questions from the floor

Revision ID: 0010_question_formats
Revises: 0009_participant_moderation
Create Date: 2026-12-01 04:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0010_question_formats"
down_revision = "0009_participant_moderation"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("question") as batch:
        batch.add_column(sa.Column("format", sa.String(length=16), nullable=False, server_default="open"))
        batch.add_column(sa.Column("settings", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("spotlight_answer_id", sa.Integer(), nullable=True))
    op.create_table(
        "question_option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question.id"],
            name=op.f("fk_question_option_question_id_question"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_option")),
    )
    op.create_index("ix_question_option_question_id", "question_option", ["question_id"])
    with op.batch_alter_table("answer") as batch:
        batch.add_column(sa.Column("anonymous", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(
            sa.Column("awaiting_approval", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("answered_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_answer_merged_into_id_answer"),
            "answer",
            ["merged_into_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "ballot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("scope", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["breakout_group.id"],
            name=op.f("fk_ballot_group_id_breakout_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name=op.f("fk_ballot_participant_id_participant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"], ["question.id"], name=op.f("fk_ballot_question_id_question"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot")),
        sa.UniqueConstraint(
            "question_id", "participant_id", "scope", name=op.f("uq_ballot_question_id_participant_id_scope")
        ),
    )
    op.create_index("ix_ballot_question_id", "ballot", ["question_id"])
    op.create_index("ix_ballot_participant_id", "ballot", ["participant_id"])


def downgrade():
    op.drop_index("ix_ballot_participant_id", table_name="ballot")
    op.drop_index("ix_ballot_question_id", table_name="ballot")
    op.drop_table("ballot")
    with op.batch_alter_table("answer") as batch:
        batch.drop_constraint(batch.f("fk_answer_merged_into_id_answer"), type_="foreignkey")
        batch.drop_column("merged_into_id")
        batch.drop_column("answered_at")
        batch.drop_column("awaiting_approval")
        batch.drop_column("anonymous")
    op.drop_index("ix_question_option_question_id", table_name="question_option")
    op.drop_table("question_option")
    with op.batch_alter_table("question") as batch:
        batch.drop_column("spotlight_answer_id")
        batch.drop_column("settings")
        batch.drop_column("format")
