"""admin console: deactivated accounts, community branding, account merges

Revision ID: i18a0000001
Revises: i20a0000001
Create Date: 2026-12-06 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i18a0000001'
down_revision = 'i20a0000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account_merge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kept_id', sa.Integer(), nullable=False),
    sa.Column('merged_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('moved', sa.JSON(), nullable=False),
    sa.Column('merged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_account_merge_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['kept_id'], ['user.id'], name=op.f('fk_account_merge_kept_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['merged_id'], ['user.id'], name=op.f('fk_account_merge_merged_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_merge'))
    )
    with op.batch_alter_table('account_merge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_merge_kept_id'), ['kept_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_merge_merged_id'), ['merged_id'], unique=False)

    with op.batch_alter_table('community', schema=None) as batch_op:
        batch_op.add_column(sa.Column('logo_filename', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('signatory_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('signatory_title', sa.String(length=200), nullable=True))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('deactivated_at')

    with op.batch_alter_table('community', schema=None) as batch_op:
        batch_op.drop_column('signatory_title')
        batch_op.drop_column('signatory_name')
        batch_op.drop_column('logo_filename')

    with op.batch_alter_table('account_merge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_merge_merged_id'))
        batch_op.drop_index(batch_op.f('ix_account_merge_kept_id'))

    op.drop_table('account_merge')
