"""One head for every branch: casework (0004), the fund's fixes (0008), donations' fixes (0009).

Revision ID: 0010
Revises: 0004, 0008, 0009
Create Date: 2026-11-29 02:27:37.270737

"""
# revision identifiers, used by Alembic.
revision = '0010'
down_revision = ('0004', '0008', '0009')
branch_labels = None
depends_on = None


def upgrade():
    """Nothing to change: this revision only joins the branches."""


def downgrade():
    """Nothing to change: this revision only joins the branches."""
