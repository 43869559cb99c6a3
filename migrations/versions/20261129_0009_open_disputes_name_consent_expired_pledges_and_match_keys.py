"""Open disputes apart from refunds, names shown only by consent,
expired pledges, the matching cap keyed on the e-mail

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

STATUSES = "status IN ('pledged', 'paired', 'closed', 'expired')"
OLD_STATUSES = "status IN ('pledged', 'paired', 'closed')"


def _sqlite_foreign_keys(on: bool) -> None:
    """SQLite's batch mode drops and copies tables that other tables point at: foreign keys
    are switched off around it, after a commit (SQLite ignores the pragma in a transaction)."""
    if op.get_bind().dialect.name == 'sqlite':
        raw = op.get_bind().connection.driver_connection
        raw.commit()
        raw.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


def upgrade():
    _sqlite_foreign_keys(False)
    _upgrade()
    _sqlite_foreign_keys(True)


def downgrade():
    _sqlite_foreign_keys(False)
    _downgrade()
    _sqlite_foreign_keys(True)


def _upgrade():
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dispute_open', sa.Boolean(), server_default=sa.false(), nullable=False))
    # A gift still marked disputed has its dispute open.
    op.execute("UPDATE donation SET dispute_open = true WHERE status = 'disputed'")
    with op.batch_alter_table('recurring_gift', schema=None) as batch_op:
        batch_op.add_column(sa.Column('show_name', sa.Boolean(), server_default=sa.false(), nullable=False))
    # Monthly gifts credited so far published the name without consent: no longer.
    op.execute("UPDATE donation SET anonymous = true WHERE recurring_id IS NOT NULL")
    with op.batch_alter_table('sponsorship', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_sponsorship_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_sponsorship_status'), STATUSES)
    # The per-donor matching cap counts a signed-in donor by their account's e-mail.
    op.execute("UPDATE match_credit SET donor_key = COALESCE('email:' || (SELECT lower(u.email) "
               "FROM \"user\" u WHERE 'user:' || CAST(u.id AS VARCHAR(20)) = match_credit.donor_key), "
               "donor_key) WHERE donor_key LIKE 'user:%'")


def _downgrade():
    op.execute("UPDATE match_credit SET donor_key = 'user:' || (SELECT CAST(d.donor_id AS VARCHAR(20)) "
               "FROM donation d WHERE d.id = match_credit.donation_id) "
               "WHERE donation_id IN (SELECT id FROM donation WHERE donor_id IS NOT NULL)")
    op.execute("UPDATE sponsorship SET status = 'closed' WHERE status = 'expired'")
    with op.batch_alter_table('sponsorship', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_sponsorship_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_sponsorship_status'), OLD_STATUSES)
    with op.batch_alter_table('recurring_gift', schema=None) as batch_op:
        batch_op.drop_column('show_name')
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.drop_column('dispute_open')
