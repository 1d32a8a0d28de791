"""organisation invitation: invited people join only once they accept

Revision ID: i23o0000001
Revises: i22f0000001
Create Date: 2026-12-06 20:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i23o0000001'
down_revision = 'i22f0000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisation_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invited_by_id'], ['user.id'], name=op.f('fk_organisation_invitation_invited_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_organisation_invitation_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_organisation_invitation_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_invitation')),
    sa.UniqueConstraint('organisation_id', 'user_id', name=op.f('uq_organisation_invitation_organisation_id_user_id'))
    )
    with op.batch_alter_table('organisation_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_invitation_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_invitation_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('organisation_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_invitation_user_id'))
        batch_op.drop_index(batch_op.f('ix_organisation_invitation_organisation_id'))
    op.drop_table('organisation_invitation')
