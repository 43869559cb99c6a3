"""Grievances (complaints and appeals with a tracking code and an answer deadline) and budget
appropriations (four eyes before the ledger)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'grievance',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('street_id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('check_hash', sa.String(length=64), nullable=False),
        sa.Column('phone_encrypted', sa.Text(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('answer', sa.Text(), nullable=True),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('complaint', 'appeal')", name=op.f('ck_grievance_kind')),
        sa.CheckConstraint("status IN ('open', 'answered')", name=op.f('ck_grievance_status')),
        sa.CheckConstraint("source IN ('public', 'staff')", name=op.f('ck_grievance_source')),
        sa.CheckConstraint("status = 'open' OR (answer IS NOT NULL AND answered_at IS NOT NULL)",
                           name=op.f('ck_grievance_answered')),
        sa.ForeignKeyConstraint(['street_id'], ['street.id'], name=op.f('fk_grievance_street_id_street')),
        sa.ForeignKeyConstraint(['application_id'], ['relief_application.id'],
                                name=op.f('fk_grievance_application_id_relief_application')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'],
                                name=op.f('fk_grievance_recorded_by_id_user')),
        sa.ForeignKeyConstraint(['answered_by_id'], ['user.id'],
                                name=op.f('fk_grievance_answered_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_grievance')),
        sa.UniqueConstraint('code_hash', name=op.f('uq_grievance_code_hash')),
    )
    op.create_index(op.f('ix_grievance_status'), 'grievance', ['status'])
    op.create_index(op.f('ix_grievance_street_id'), 'grievance', ['street_id'])
    op.create_index(op.f('ix_grievance_due_on'), 'grievance', ['due_on'])
    op.create_table(
        'budget_appropriation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document', sa.String(length=60), nullable=False),
        sa.Column('issued_on', sa.Date(), nullable=False),
        sa.Column('amount_fen', sa.BigInteger(), nullable=False),
        sa.Column('measure', sa.Integer(), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('entry_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('amount_fen > 0', name=op.f('ck_budget_appropriation_positive')),
        sa.CheckConstraint('measure IS NULL OR (measure BETWEEN 1 AND 10)',
                           name=op.f('ck_budget_appropriation_measure')),
        sa.CheckConstraint('(approved_at IS NULL) = (entry_id IS NULL)',
                           name=op.f('ck_budget_appropriation_posted')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'],
                                name=op.f('fk_budget_appropriation_recorded_by_id_user')),
        sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'],
                                name=op.f('fk_budget_appropriation_approved_by_id_user')),
        sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'],
                                name=op.f('fk_budget_appropriation_entry_id_journal_entry')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_appropriation')),
        sa.UniqueConstraint('document', name=op.f('uq_budget_appropriation_document')),
    )


def downgrade():
    op.drop_table('budget_appropriation')
    op.drop_index(op.f('ix_grievance_due_on'), table_name='grievance')
    op.drop_index(op.f('ix_grievance_street_id'), table_name='grievance')
    op.drop_index(op.f('ix_grievance_status'), table_name='grievance')
    op.drop_table('grievance')
