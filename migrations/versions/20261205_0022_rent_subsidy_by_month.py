"""Rent subsidy by month: tenancies, dibao class A validity windows, a schedule's months and
the months paid, each household's month paid once

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'tenancy',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('unit', sa.String(length=80), nullable=False),
        sa.Column('address', sa.String(length=200), nullable=False),
        sa.Column('monthly_rent_fen', sa.BigInteger(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('monthly_rent_fen > 0 AND monthly_rent_fen <= 2000000',
                           name=op.f('ck_tenancy_rent')),
        sa.CheckConstraint('ends_on > starts_on', name=op.f('ck_tenancy_lease')),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'],
                                name=op.f('fk_tenancy_household_id_household')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'],
                                name=op.f('fk_tenancy_recorded_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tenancy')),
    )
    op.create_index(op.f('ix_tenancy_household_id'), 'tenancy', ['household_id'])
    op.create_table(
        'dibao_class_validity',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('valid_until >= valid_from', name=op.f('ck_dibao_class_validity_window')),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'],
                                name=op.f('fk_dibao_class_validity_person_id_person')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'],
                                name=op.f('fk_dibao_class_validity_recorded_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dibao_class_validity')),
    )
    op.create_index(op.f('ix_dibao_class_validity_person_id'), 'dibao_class_validity',
                    ['person_id'])
    op.create_table(
        'rent_month',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('tenancy_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('due_fen', sa.BigInteger(), nullable=False),
        sa.Column('stopped', sa.String(length=20), nullable=True),
        sa.CheckConstraint('due_fen > 0', name=op.f('ck_rent_month_due')),
        sa.CheckConstraint("stopped IS NULL OR stopped IN ('not_eligible', 'lease_ended', "
                           "'rejected')", name=op.f('ck_rent_month_stopped')),
        sa.ForeignKeyConstraint(['application_id'], ['relief_application.id'],
                                name=op.f('fk_rent_month_application_id_relief_application')),
        sa.ForeignKeyConstraint(['tenancy_id'], ['tenancy.id'],
                                name=op.f('fk_rent_month_tenancy_id_tenancy')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rent_month')),
        sa.UniqueConstraint('application_id', 'month',
                            name=op.f('uq_rent_month_application_id_month')),
    )
    op.create_index(op.f('ix_rent_month_application_id'), 'rent_month', ['application_id'])
    op.create_index(op.f('ix_rent_month_tenancy_id'), 'rent_month', ['tenancy_id'])
    op.create_table(
        'rent_payment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('tenancy_id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('amount_fen', sa.BigInteger(), nullable=False),
        sa.Column('reference', sa.String(length=60), nullable=False),
        sa.Column('paid_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('paid_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('amount_fen > 0', name=op.f('ck_rent_payment_amount')),
        sa.ForeignKeyConstraint(['application_id'], ['relief_application.id'],
                                name=op.f('fk_rent_payment_application_id_relief_application')),
        sa.ForeignKeyConstraint(['tenancy_id'], ['tenancy.id'],
                                name=op.f('fk_rent_payment_tenancy_id_tenancy')),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'],
                                name=op.f('fk_rent_payment_household_id_household')),
        sa.ForeignKeyConstraint(['paid_by_id'], ['user.id'],
                                name=op.f('fk_rent_payment_paid_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rent_payment')),
        sa.UniqueConstraint('household_id', 'month',
                            name=op.f('uq_rent_payment_household_id_month')),
        sa.UniqueConstraint('tenancy_id', 'month', name=op.f('uq_rent_payment_tenancy_id_month')),
        sa.UniqueConstraint('reference', name=op.f('uq_rent_payment_reference')),
    )
    op.create_index(op.f('ix_rent_payment_application_id'), 'rent_payment', ['application_id'])


def downgrade():
    op.drop_table('rent_payment')
    op.drop_table('rent_month')
    op.drop_table('dibao_class_validity')
    op.drop_table('tenancy')
