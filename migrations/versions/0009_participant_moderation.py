"""participant_moderation: a digest of each participant's join address; removed phones

Revision ID: 0009_participant_moderation
Revises: 0008_rapporteur_access
Create Date: 2026-12-01 00:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009_participant_moderation"
down_revision = "0008_rapporteur_access"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("participant") as batch:
        batch.add_column(
            sa.Column("join_address_hash", sa.String(length=32), nullable=False, server_default="")
        )
    op.create_table(
        "removed_phone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("merged", sa.Boolean(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_removed_phone_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_removed_phone")),
        sa.UniqueConstraint("meeting_id", "token_hash", name=op.f("uq_removed_phone_meeting_id_token_hash")),
    )
    op.create_index("ix_removed_phone_meeting_id", "removed_phone", ["meeting_id"])


def downgrade():
    op.drop_index("ix_removed_phone_meeting_id", table_name="removed_phone")
    op.drop_table("removed_phone")
    with op.batch_alter_table("participant") as batch:
        batch.drop_column("join_address_hash")
