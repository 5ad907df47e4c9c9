"""rapporteur_access

Revision ID: 0008_rapporteur_access
Revises: 0007_moderator_sessions
Create Date: 2026-12-01 00:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008_rapporteur_access'
down_revision = '0007_moderator_sessions'
branch_labels = None
depends_on = None


def upgrade():
    # Off for every existing meeting: rapporteurs curate and export only where a moderator says so.
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('rapporteurs_curate', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('rapporteurs_curate')
