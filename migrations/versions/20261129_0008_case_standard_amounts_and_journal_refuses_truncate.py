"""A case's standard amount and the proposal that sent it, and the journal
refuses TRUNCATE on PostgreSQL

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

#: `refuse_change()` comes from 0001; a TRUNCATE would empty the journal without a row trigger.
NO_TRUNCATE = """
CREATE TRIGGER journal_entry_no_truncate BEFORE TRUNCATE ON journal_entry
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER journal_line_no_truncate BEFORE TRUNCATE ON journal_line
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
"""

#: A case already in a sent proposal belongs to the first such proposal.
BACKFILL = """
UPDATE relief_application SET standard_fen = amount_fen,
    proposal_id = (SELECT min(i.proposal_id) FROM allocation_item AS i
                   JOIN allocation_proposal AS p ON p.id = i.proposal_id
                   WHERE i.application_id = relief_application.id AND p.state = 'sent'
                   AND i.fund_code IS NOT NULL)
"""


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
        batch_op.add_column(sa.Column('standard_fen', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('proposal_id', sa.Integer(), nullable=True))
    op.execute(BACKFILL)
    with op.batch_alter_table('relief_application', schema=None) as batch_op:
        batch_op.alter_column('standard_fen', existing_type=sa.BigInteger(), nullable=False)
        batch_op.create_check_constraint(op.f('ck_relief_application_within_standard'),
                                         'amount_fen <= standard_fen')
        batch_op.create_foreign_key(
            batch_op.f('fk_relief_application_proposal_id_allocation_proposal'),
            'allocation_proposal', ['proposal_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_relief_application_proposal_id'), ['proposal_id'],
                              unique=False)
    _sqlite_foreign_keys(True)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NO_TRUNCATE)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS journal_line_no_truncate ON journal_line")
        op.execute("DROP TRIGGER IF EXISTS journal_entry_no_truncate ON journal_entry")
    _sqlite_foreign_keys(False)
    with op.batch_alter_table('relief_application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relief_application_proposal_id'))
        batch_op.drop_constraint(
            batch_op.f('fk_relief_application_proposal_id_allocation_proposal'),
            type_='foreignkey')
        batch_op.drop_constraint(op.f('ck_relief_application_within_standard'), type_='check')
        batch_op.drop_column('proposal_id')
        batch_op.drop_column('standard_fen')
    _sqlite_foreign_keys(True)
