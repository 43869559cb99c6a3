"""Donor names shown only by consent: a gift's `anonymous` (shown unless ticked) becomes
`show_name` (hidden unless the donor agreed)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 08:00:00.000000

Which gifts recorded before keep their name shown: only those with a recorded consent, the
gifts of a monthly gift whose donor ticked "show my name" (since 0009 such a gift is marked
not anonymous exactly when its monthly gift has that consent). A one-off gift left "give
anonymously" unticked, and an offline gift left "anonymous" unticked: silence is not consent
(PIPL art. 14 asks for consent given explicitly), so their names are no longer shown. Offline
batch lines marked 'show' did consent, but nothing recorded tells them apart from the single
form's gifts: they are hidden too, the safe side of the doubt.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def _sqlite_foreign_keys(on: bool) -> None:
    """SQLite's batch mode drops and copies tables that other tables point at: foreign keys
    are switched off around it, after a commit (SQLite ignores the pragma in a transaction)."""
    if op.get_bind().dialect.name == 'sqlite':
        raw = op.get_bind().connection.driver_connection
        raw.commit()
        raw.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


def upgrade():
    _sqlite_foreign_keys(False)
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('show_name', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.execute("UPDATE donation SET show_name = true WHERE anonymous = false AND "
               "recurring_id IN (SELECT id FROM recurring_gift WHERE show_name = true)")
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.drop_column('anonymous')
    _sqlite_foreign_keys(True)


def downgrade():
    _sqlite_foreign_keys(False)
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymous', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.execute("UPDATE donation SET anonymous = NOT show_name")
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.drop_column('show_name')
    _sqlite_foreign_keys(True)
