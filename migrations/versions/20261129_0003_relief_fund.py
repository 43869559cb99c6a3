"""relief fund: the ledger (accounts, append-only journal with a hash chain), applications
and the case committee's votes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 01:06:58.910569

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

#: `refuse_change()` comes from 0001; journal rows are never updated or deleted.
APPEND_ONLY = """
CREATE TRIGGER journal_entry_append_only BEFORE UPDATE OR DELETE ON journal_entry
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER journal_line_append_only BEFORE UPDATE OR DELETE ON journal_line
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
"""


def upgrade():
    op.create_table('fund_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('balance', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("(kind = 'fund' AND balance <= 0) OR (kind <> 'fund' AND balance >= 0)", name=op.f('ck_fund_account_balance_side')),
    sa.CheckConstraint("kind IN ('asset', 'expense', 'fund')", name=op.f('ck_fund_account_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_account')),
    sa.UniqueConstraint('code', name=op.f('uq_fund_account_code'))
    )
    op.create_table('ledger_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_ledger_head_single')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_head'))
    )
    op.create_table('journal_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('memo', sa.String(length=300), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=True),
    sa.Column('subject', sa.String(length=120), nullable=True),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['reverses_id'], ['journal_entry.id'], name=op.f('fk_journal_entry_reverses_id_journal_entry')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_journal_entry_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal_entry')),
    sa.UniqueConstraint('hash', name=op.f('uq_journal_entry_hash')),
    sa.UniqueConstraint('reference', name=op.f('uq_journal_entry_reference')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_journal_entry_reverses_id')),
    sa.UniqueConstraint('seq', name=op.f('uq_journal_entry_seq'))
    )
    with op.batch_alter_table('journal_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journal_entry_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_entry_posted_at'), ['posted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_entry_subject'), ['subject'], unique=False)

    op.create_table('journal_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('amount <> 0', name=op.f('ck_journal_line_nonzero')),
    sa.ForeignKeyConstraint(['account_id'], ['fund_account.id'], name=op.f('fk_journal_line_account_id_fund_account')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'], name=op.f('fk_journal_line_entry_id_journal_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal_line'))
    )
    with op.batch_alter_table('journal_line', schema=None) as batch_op:
        batch_op.create_index('ix_journal_line_account_entry', ['account_id', 'entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_line_entry_id'), ['entry_id'], unique=False)

    op.create_table('relief_application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('street_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('measure', sa.Integer(), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=True),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('one_case_one_discussion', sa.Boolean(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('sponsorship_id', sa.Integer(), nullable=True),
    sa.Column('eligibility', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.String(length=300), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('paid_by_id', sa.Integer(), nullable=True),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('minutes', sa.Text(), nullable=False),
    sa.CheckConstraint("kind IN ('temporary_emergency', 'temporary_expenditure', 'free_textbooks', 'autumn_grant', 'encouragement_award', 'medical', 'rent_subsidy', 'disaster', 'festival_gift')", name=op.f('ck_relief_application_kind')),
    sa.CheckConstraint("state IN ('submitted', 'committee', 'approved', 'paid', 'rejected', 'expired')", name=op.f('ck_relief_application_state')),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_relief_application_amount')),
    sa.CheckConstraint('decided_by_id IS NULL OR decided_by_id <> created_by_id', name=op.f('ck_relief_application_four_eyes')),
    sa.CheckConstraint('measure BETWEEN 1 AND 10', name=op.f('ck_relief_application_measure')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_relief_application_created_by_id_user')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_relief_application_decided_by_id_user')),
    sa.ForeignKeyConstraint(['paid_by_id'], ['user.id'], name=op.f('fk_relief_application_paid_by_id_user')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_relief_application_person_id_person')),
    sa.ForeignKeyConstraint(['street_id'], ['street.id'], name=op.f('fk_relief_application_street_id_street')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relief_application'))
    )
    with op.batch_alter_table('relief_application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relief_application_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_relief_application_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_relief_application_street_id'), ['street_id'], unique=False)

    op.create_table('committee_vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('approve', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['relief_application.id'], name=op.f('fk_committee_vote_application_id_relief_application')),
    sa.ForeignKeyConstraint(['member_id'], ['user.id'], name=op.f('fk_committee_vote_member_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_vote')),
    sa.UniqueConstraint('application_id', 'member_id', name=op.f('uq_committee_vote_application_id_member_id'))
    )
    with op.batch_alter_table('committee_vote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_vote_application_id'), ['application_id'], unique=False)

    op.execute("INSERT INTO ledger_head (id, seq, hash) VALUES (1, 0, '" + "0" * 64 + "')")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS journal_line_append_only ON journal_line")
        op.execute("DROP TRIGGER IF EXISTS journal_entry_append_only ON journal_entry")
    with op.batch_alter_table('committee_vote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_vote_application_id'))

    op.drop_table('committee_vote')
    with op.batch_alter_table('relief_application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relief_application_street_id'))
        batch_op.drop_index(batch_op.f('ix_relief_application_state'))
        batch_op.drop_index(batch_op.f('ix_relief_application_person_id'))

    op.drop_table('relief_application')
    with op.batch_alter_table('journal_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_line_entry_id'))
        batch_op.drop_index('ix_journal_line_account_entry')
    op.drop_table('journal_line')
    with op.batch_alter_table('journal_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_entry_subject'))
        batch_op.drop_index(batch_op.f('ix_journal_entry_posted_at'))
        batch_op.drop_index(batch_op.f('ix_journal_entry_kind'))
    op.drop_table('journal_entry')
    op.drop_table('ledger_head')
    op.drop_table('fund_account')
