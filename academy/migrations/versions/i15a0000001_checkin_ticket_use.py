"""Check-in tickets used: one ticket checks in one person

Revision ID: i15a0000001
Revises: i18a0000001
Create Date: 2026-12-06 04:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'i15a0000001'
down_revision = 'i18a0000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'checkin_ticket_use',
        sa.Column('nonce', sa.String(length=32), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['training_session.id'],
                                name=op.f('fk_checkin_ticket_use_session_id_training_session'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_checkin_ticket_use_user_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('nonce', name=op.f('pk_checkin_ticket_use')),
    )
    with op.batch_alter_table('checkin_ticket_use', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkin_ticket_use_session_id'), ['session_id'], unique=False)


def downgrade():
    with op.batch_alter_table('checkin_ticket_use', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkin_ticket_use_session_id'))
    op.drop_table('checkin_ticket_use')
