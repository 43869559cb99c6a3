"""No duplicate benefits: each application keyed by beneficiary and period, one live award of
a kind per key; the education, care-subsidy and funeral-service kinds

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

OLD_KINDS = ("temporary_emergency", "temporary_expenditure", "free_textbooks", "autumn_grant",
             "encouragement_award", "medical", "rent_subsidy", "disaster", "festival_gift")
KINDS = OLD_KINDS + ("care_subsidy", "funeral_service", "fee_waiver", "bursary",
                     "living_allowance", "work_study", "love_lunch")
LIVE = "state NOT IN ('rejected', 'expired')"
#: Existing rows: each its own period ('legacy:<id>'), so past duplicates stay as they were
#: and new awards are checked from now on.
BACKFILL = """
UPDATE relief_application SET
    beneficiary = 'person:' || CAST(person_id AS VARCHAR(20)),
    period = 'legacy:' || CAST(id AS VARCHAR(20))
"""


def _one_of(values) -> str:
    return "kind IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _sqlite_foreign_keys(on: bool) -> None:
    """SQLite's batch mode drops and copies tables that other tables point at: foreign keys
    are switched off around it, after a commit (SQLite ignores the pragma in a transaction)."""
    if op.get_bind().dialect.name == 'sqlite':
        raw = op.get_bind().connection.driver_connection
        raw.commit()
        raw.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


def upgrade():
    _sqlite_foreign_keys(False)
    with op.batch_alter_table('relief_application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('beneficiary', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('period', sa.String(length=80), nullable=True))
    op.execute(BACKFILL)
    with op.batch_alter_table('relief_application', schema=None) as batch_op:
        batch_op.alter_column('beneficiary', existing_type=sa.String(length=40), nullable=False)
        batch_op.alter_column('period', existing_type=sa.String(length=80), nullable=False)
        batch_op.drop_constraint(op.f('ck_relief_application_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_relief_application_kind'), _one_of(KINDS))
    op.create_index('uq_relief_application_once_per_period', 'relief_application',
                    ['kind', 'beneficiary', 'period'], unique=True,
                    sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
    _sqlite_foreign_keys(True)


def downgrade():
    _sqlite_foreign_keys(False)
    op.drop_index('uq_relief_application_once_per_period', table_name='relief_application')
    newer = op.get_bind().scalar(sa.text(
        "SELECT count(*) FROM relief_application WHERE NOT " + _one_of(OLD_KINDS)))
    if newer:
        raise RuntimeError(f"{newer} applications are of kinds the older schema refuses")
    with op.batch_alter_table('relief_application', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_relief_application_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_relief_application_kind'), _one_of(OLD_KINDS))
        batch_op.drop_column('period')
        batch_op.drop_column('beneficiary')
    _sqlite_foreign_keys(True)
