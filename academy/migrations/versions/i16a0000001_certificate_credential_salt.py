"""Give each certificate its own salt for the holder's email hash in its signed credential.

With one salt per person, two credentials of the same person carried the same identityHash: anyone holding
both could link them, and confirm an email across them. Existing certificates get a fresh random salt each.

Revision ID: i16a0000001
Revises: f0a3981a2d35
Create Date: 2026-12-06 03:55:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "i16a0000001"
down_revision = "f0a3981a2d35"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("certificate") as batch_op:
        batch_op.add_column(sa.Column("credential_salt", sa.String(length=32), nullable=True))
    certificate = sa.table("certificate", sa.column("id", sa.Integer), sa.column("credential_salt", sa.String))
    connection = op.get_bind()
    ids = connection.execute(sa.select(certificate.c.id)).scalars().all()
    for certificate_id in ids:
        connection.execute(
            certificate.update()
            .where(certificate.c.id == certificate_id)
            .values(credential_salt=secrets.token_hex(16))
        )
    with op.batch_alter_table("certificate") as batch_op:
        batch_op.alter_column("credential_salt", existing_type=sa.String(length=32), nullable=False)


def downgrade():
    with op.batch_alter_table("certificate") as batch_op:
        batch_op.drop_column("credential_salt")
