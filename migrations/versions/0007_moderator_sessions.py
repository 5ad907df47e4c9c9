"""Moderator sessions kept on the server: logout and a password change end them

Sessions signed into a cookie alone could not be ended; moderators log in again once.

Revision ID: 0007_moderator_sessions
Revises: 0006_throttle_hits
Create Date: 2026-12-01 00:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007_moderator_sessions'
down_revision = '0006_throttle_hits'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('moderator_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('moderator_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['moderator_id'], ['moderator.id'], name=op.f('fk_moderator_session_moderator_id_moderator'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderator_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_moderator_session_token_hash'))
    )
    with op.batch_alter_table('moderator_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderator_session_moderator_id'), ['moderator_id'], unique=False)


def downgrade():
    with op.batch_alter_table('moderator_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderator_session_moderator_id'))
    op.drop_table('moderator_session')
