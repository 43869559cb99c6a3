"""Contacts and help given (home visits, talks, calls, employment referrals, goods, money from
a helper's own pocket, referrals to a department) with the minutes spent; and the queue of
people a decline left without a helper, each entry closed when they are paired again

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-04 08:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

KINDS = ("'home_visit', 'heart_to_heart', 'phone_call', 'employment_referral', 'goods', "
         "'money', 'department_referral'")


def upgrade():
    op.create_table(
        'contact',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pairing_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('happened_on', sa.Date(), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('goods', sa.String(length=100), nullable=True),
        sa.Column('amount_fen', sa.Integer(), nullable=True),
        sa.Column('department_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.String(length=200), nullable=False),
        sa.Column('logged_by_id', sa.Integer(), nullable=True),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f'kind IN ({KINDS})', name=op.f('ck_contact_kind')),
        sa.CheckConstraint('minutes BETWEEN 1 AND 1440', name=op.f('ck_contact_minutes')),
        sa.CheckConstraint("(kind = 'money') = (amount_fen IS NOT NULL) AND "
                           "(amount_fen IS NULL OR amount_fen BETWEEN 1 AND 1000000)",
                           name=op.f('ck_contact_money')),
        sa.CheckConstraint("(kind = 'goods') = (goods IS NOT NULL)",
                           name=op.f('ck_contact_goods')),
        sa.CheckConstraint("(kind = 'department_referral') = (department_id IS NOT NULL)",
                           name=op.f('ck_contact_department')),
        sa.ForeignKeyConstraint(['department_id'], ['department.id'],
                                name=op.f('fk_contact_department_id_department')),
        sa.ForeignKeyConstraint(['logged_by_id'], ['user.id'],
                                name=op.f('fk_contact_logged_by_id_user')),
        sa.ForeignKeyConstraint(['pairing_id'], ['pairing.id'],
                                name=op.f('fk_contact_pairing_id_pairing')),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'],
                                name=op.f('fk_contact_person_id_person')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contact')),
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_pairing_id'), ['pairing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_contact_person_day', ['person_id', 'happened_on'],
                              unique=False)

    op.create_table(
        'unmatched_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('helper_kind', sa.String(length=20), nullable=False),
        sa.Column('declined_pairing_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.JSON(), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('closed_by_pairing_id', sa.Integer(), nullable=True),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("helper_kind IN ('cadre', 'volunteer')",
                           name=op.f('ck_unmatched_entry_helper_kind')),
        sa.ForeignKeyConstraint(['closed_by_pairing_id'], ['pairing.id'],
                                name=op.f('fk_unmatched_entry_closed_by_pairing_id_pairing')),
        sa.ForeignKeyConstraint(['declined_pairing_id'], ['pairing.id'],
                                name=op.f('fk_unmatched_entry_declined_pairing_id_pairing')),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'],
                                name=op.f('fk_unmatched_entry_person_id_person')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_unmatched_entry')),
    )
    with op.batch_alter_table('unmatched_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unmatched_entry_person_id'), ['person_id'],
                              unique=False)
        batch_op.create_index('uq_unmatched_entry_open', ['person_id', 'helper_kind'],
                              unique=True, sqlite_where=sa.text('closed_at IS NULL'),
                              postgresql_where=sa.text('closed_at IS NULL'))


def downgrade():
    with op.batch_alter_table('unmatched_entry', schema=None) as batch_op:
        batch_op.drop_index('uq_unmatched_entry_open', sqlite_where=sa.text('closed_at IS NULL'),
                            postgresql_where=sa.text('closed_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_unmatched_entry_person_id'))
    op.drop_table('unmatched_entry')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_person_day')
        batch_op.drop_index(batch_op.f('ix_contact_person_id'))
        batch_op.drop_index(batch_op.f('ix_contact_pairing_id'))
    op.drop_table('contact')
