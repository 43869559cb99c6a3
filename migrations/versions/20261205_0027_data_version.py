"""A data-version token per derived figure (the gap matrix's snapshot is keyed by it)

Revision ID: 0027
Revises: 0024
Create Date: 2026-12-05 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'data_version',
        sa.Column('name', sa.String(length=20), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_data_version')),
    )
    op.bulk_insert(table, [{'name': 'casework', 'token': 'initial'}])


def downgrade():
    op.drop_table('data_version')
