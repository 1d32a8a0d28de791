"""Number the revocation status lists: a certificate's bit is (status_list_id, status_index).

Existing certificates stay in list 1 at their index; the unique constraint moves from the index alone to the
pair, so a second list can reuse positions of the first.

Revision ID: f80fac16db83
Revises: 025b34642396
Create Date: 2026-11-22 02:50:57.597374

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f80fac16db83"
down_revision = "025b34642396"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_list_id", sa.Integer(), server_default="1", nullable=False))
        batch_op.drop_constraint(batch_op.f("uq_certificate_status_index"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_certificate_status_list_id_status_index"), ["status_list_id", "status_index"]
        )


def downgrade():
    # Only possible while every certificate is in list 1: a later list's indexes may repeat the first's.
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_certificate_status_list_id_status_index"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_certificate_status_index"), ["status_index"])
        batch_op.drop_column("status_list_id")
