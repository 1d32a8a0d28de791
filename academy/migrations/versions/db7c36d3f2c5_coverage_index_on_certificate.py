"""Index every certificate column the coverage rollup reads, so a community's figures come from the index.

A separate revision from f80fac16db83 because that one was already committed in the shared checkout.

Revision ID: db7c36d3f2c5
Revises: f80fac16db83
Create Date: 2026-11-22 03:05:38.715846

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "db7c36d3f2c5"
down_revision = "f80fac16db83"
branch_labels = None
depends_on = None

COLUMNS = [
    "community_id",
    "revoked_at",
    "sector",
    "subrole",
    "user_id",
    "issued_at",
    "expires_at",
    "earned_via",
    "id",
]


def upgrade():
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.create_index("ix_certificate_coverage", COLUMNS, unique=False)


def downgrade():
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_index("ix_certificate_coverage")
