"""Throttle hits: one table for every counted try (logins, passcodes, joins, code guesses)

Revision ID: 0006_throttle_hits
Revises: 78bc497530c5
Create Date: 2026-12-01 00:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0006_throttle_hits'
down_revision = '78bc497530c5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('throttle_hit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_throttle_hit'))
    )
    op.create_index('ix_throttle_hit_scope_key_created_at', 'throttle_hit', ['scope', 'key', 'created_at'], unique=False)
    # Wrong passcodes were counted in a table of their own; they are minutes old at most.
    op.drop_table('failed_passcode')


def downgrade():
    op.create_table('failed_passcode',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_failed_passcode_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_failed_passcode'))
    )
    with op.batch_alter_table('failed_passcode', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_failed_passcode_client'), ['client'], unique=False)
        batch_op.create_index(batch_op.f('ix_failed_passcode_created_at'), ['created_at'], unique=False)
    op.drop_index('ix_throttle_hit_scope_key_created_at', table_name='throttle_hit')
    op.drop_table('throttle_hit')
