"""Waiting Stripe events (what they wait for, and what they said), each gift's dispute id, and
the reconciliations run against Stripe

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 08:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stripe_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('waiting_on', sa.String(length=90), nullable=True))
        batch_op.add_column(sa.Column('payload', sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f('ix_stripe_event_waiting_on'), ['waiting_on'],
                              unique=False)
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dispute_id', sa.String(length=80), nullable=True))
    op.create_table(
        'reconciliation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('since', sa.Date(), nullable=False),
        sa.Column('examined', sa.JSON(), nullable=False),
        sa.Column('fixed', sa.JSON(), nullable=False),
        sa.Column('unfixed', sa.JSON(), nullable=False),
        sa.Column('run_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['run_by_id'], ['user.id'],
                                name=op.f('fk_reconciliation_run_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reconciliation')),
    )


def _sqlite_foreign_keys(on: bool) -> None:
    """SQLite's batch mode drops and copies tables that other tables point at: foreign keys
    are switched off around it, after a commit (SQLite ignores the pragma in a transaction)."""
    if op.get_bind().dialect.name == 'sqlite':
        raw = op.get_bind().connection.driver_connection
        raw.commit()
        raw.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


def downgrade():
    _sqlite_foreign_keys(False)
    _downgrade()
    _sqlite_foreign_keys(True)


def _downgrade():
    op.drop_table('reconciliation')
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.drop_column('dispute_id')
    with op.batch_alter_table('stripe_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stripe_event_waiting_on'))
        batch_op.drop_column('payload')
        batch_op.drop_column('waiting_on')
