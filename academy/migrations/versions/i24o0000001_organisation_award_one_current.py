"""organisation award: at most one unrevoked award per organisation

Revision ID: i24o0000001
Revises: i23o0000001
Create Date: 2026-12-06 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i24o0000001'
down_revision = 'i23o0000001'
branch_labels = None
depends_on = None


def upgrade():
    # Two awards made at the same moment before this rule: keep the newest, withdraw the others (revoked, so the
    # revocation list says so), then let the database refuse any further one.
    from academy.database import UTCDateTime, utcnow

    award = sa.table('organisation_award', sa.column('id', sa.Integer), sa.column('organisation_id', sa.Integer),
                     sa.column('revoked_at', UTCDateTime()), sa.column('status_changed_at', UTCDateTime()),
                     sa.column('revoke_reason', sa.String))
    bind = op.get_bind()
    current = bind.execute(sa.select(award.c.id, award.c.organisation_id).where(award.c.revoked_at.is_(None))
                           .order_by(award.c.organisation_id, award.c.id.desc())).all()
    seen, extra = set(), []
    for award_id, organisation_id in current:
        if organisation_id in seen:
            extra.append(award_id)
        seen.add(organisation_id)
    if extra:
        now = utcnow()
        bind.execute(award.update().where(award.c.id.in_(extra)).values(
            revoked_at=now, status_changed_at=now,
            revoke_reason='A second award of the same organisation, withdrawn when one award per organisation '
                          'became a rule of the database.'))
    with op.batch_alter_table('organisation_award', schema=None) as batch_op:
        batch_op.create_index('uq_organisation_award_current', ['organisation_id'], unique=True,
                              sqlite_where=sa.text('revoked_at IS NULL'),
                              postgresql_where=sa.text('revoked_at IS NULL'))


def downgrade():
    with op.batch_alter_table('organisation_award', schema=None) as batch_op:
        batch_op.drop_index('uq_organisation_award_current', sqlite_where=sa.text('revoked_at IS NULL'),
                            postgresql_where=sa.text('revoked_at IS NULL'))
