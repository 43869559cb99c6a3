"""History made linear: the three branches that 0004, 0005 and 0006 started now follow one
another (0001 to 0009 in order). A database built before is stamped 0010 (the join of those
branches) and has everything up to 0009 already, so this revision changes nothing: it is where
such a database finds its place in the line.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 07:00:00.000000

"""
# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    """Nothing to change: the schema at 0009 is the schema the old 0010 had."""


def downgrade():
    """Nothing to change."""
