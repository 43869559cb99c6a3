"""A data-version token per derived figure (the gap matrix's snapshot is keyed by it)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import charity.database


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
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
    op.create_table(
        'gap_snapshot',
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('taken_at', charity.database.UTCDateTime(), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('token', 'day', name=op.f('pk_gap_snapshot')),
    )
    op.create_index(op.f('ix_gap_snapshot_taken_at'), 'gap_snapshot', ['taken_at'])


def downgrade():
    op.drop_index(op.f('ix_gap_snapshot_taken_at'), table_name='gap_snapshot')
    op.drop_table('gap_snapshot')
    op.drop_table('data_version')
