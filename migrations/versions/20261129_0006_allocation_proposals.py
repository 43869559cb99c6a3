"""allocation proposals: a saved run of the relief fund's optimiser and its cases

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('allocation_proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('objective', sa.BigInteger(), nullable=False),
    sa.Column('bound', sa.BigInteger(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('tolerance_pct', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('draft', 'sent')", name=op.f('ck_allocation_proposal_state')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_allocation_proposal_created_by_id_user')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['user.id'], name=op.f('fk_allocation_proposal_sent_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation_proposal'))
    )
    op.create_table('allocation_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('fund_code', sa.String(length=80), nullable=True),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=True),
    sa.CheckConstraint("reason IN ('no_fund_may_pay', 'funds_exhausted', 'dropped')", name=op.f('ck_allocation_item_reason')),
    sa.CheckConstraint('(fund_code IS NOT NULL AND amount_fen > 0 AND reason IS NULL) OR (fund_code IS NULL AND amount_fen = 0 AND reason IS NOT NULL)', name=op.f('ck_allocation_item_funded_or_reason')),
    sa.ForeignKeyConstraint(['application_id'], ['relief_application.id'], name=op.f('fk_allocation_item_application_id_relief_application')),
    sa.ForeignKeyConstraint(['proposal_id'], ['allocation_proposal.id'], name=op.f('fk_allocation_item_proposal_id_allocation_proposal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation_item')),
    sa.UniqueConstraint('proposal_id', 'application_id', 'fund_code', name=op.f('uq_allocation_item_proposal_id_application_id_fund_code'))
    )
    with op.batch_alter_table('allocation_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allocation_item_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allocation_item_proposal_id'), ['proposal_id'], unique=False)


def downgrade():
    with op.batch_alter_table('allocation_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allocation_item_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_allocation_item_application_id'))

    op.drop_table('allocation_item')
    op.drop_table('allocation_proposal')
