"""When a gift's receipt e-mail was sent (one e-mail per gift)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import charity.database


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_mailed_at', charity.database.UTCDateTime(),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.drop_column('receipt_mailed_at')
