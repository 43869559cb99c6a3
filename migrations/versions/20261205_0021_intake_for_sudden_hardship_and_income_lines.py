"""Intake for sudden hardship: the yearly income lines and asset limits, intake cases, and
people recorded for an intake though not on the roster

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 12:00:00.000000

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from charity.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

OLD_CATEGORIES = "category IN ('dibao', 'tekun', 'filed_hardship')"
NEW_CATEGORIES = "category IN ('dibao', 'tekun', 'filed_hardship', 'sudden_hardship')"
OLD_STATUSES = "status IN ('enrolled', 'suspended', 'exited')"
NEW_STATUSES = "status IN ('enrolled', 'suspended', 'exited', 'not_on_roster')"
#: The configuration's former single figure, kept only as these years' starting lines; staff
#: replace them (with the statistics bulletin's figure) on the income-lines page.
SEED_YEARS = (2025, 2026)
SEED_INCOME_FEN = 5_200_000
#: 24 months of Chongqing's urban dibao standard per person, the usual financial-asset limit.
SEED_FINANCIAL_ASSETS_FEN = 1_824_000
SEED_SOURCE = "初始数据：原配置中的本地居民人均可支配收入，待以统计公报核实"


def _person_checks(categories, statuses):
    with op.batch_alter_table('person') as batch:
        batch.drop_constraint(batch.f('ck_person_category'), type_='check')
        batch.drop_constraint(batch.f('ck_person_status'), type_='check')
        batch.create_check_constraint(batch.f('ck_person_category'), categories)
        batch.create_check_constraint(batch.f('ck_person_status'), statuses)


def upgrade():
    """Create the income lines and intake cases; let person hold intake's records."""
    income_line = op.create_table(
        'income_line',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('disposable_income_fen', sa.BigInteger(), nullable=False),
        sa.Column('financial_assets_fen', sa.BigInteger(), nullable=False),
        sa.Column('vehicle_value_fen', sa.BigInteger(), nullable=False),
        sa.Column('source', sa.String(length=200), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint('year BETWEEN 2000 AND 2100', name=op.f('ck_income_line_year')),
        sa.CheckConstraint('disposable_income_fen > 0', name=op.f('ck_income_line_income')),
        sa.CheckConstraint('financial_assets_fen >= 0',
                           name=op.f('ck_income_line_financial_assets')),
        sa.CheckConstraint('vehicle_value_fen >= 0', name=op.f('ck_income_line_vehicle')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'],
                                name=op.f('fk_income_line_updated_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_income_line')),
        sa.UniqueConstraint('year', name=op.f('uq_income_line_year')),
    )
    op.create_table(
        'relief_intake',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('street_id', sa.Integer(), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('on_roster', sa.Boolean(), nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('id_number_encrypted', sa.Text(), nullable=False),
        sa.Column('id_number_hash', sa.String(length=64), nullable=False),
        sa.Column('id_number_masked', sa.String(length=18), nullable=False),
        sa.Column('hukou', sa.String(length=10), nullable=False),
        sa.Column('residence_permit_start', sa.Date(), nullable=True),
        sa.Column('event_type', sa.String(length=20), nullable=False),
        sa.Column('event_date', sa.Date(), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('household_size', sa.Integer(), nullable=False),
        sa.Column('monthly_income_fen', sa.BigInteger(), nullable=False),
        sa.Column('financial_assets_fen', sa.BigInteger(), nullable=False),
        sa.Column('vehicle_value_fen', sa.BigInteger(), nullable=False),
        sa.Column('eligibility', sa.JSON(), nullable=False),
        sa.Column('income_line_year', sa.Integer(), nullable=False),
        sa.Column('grade', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint("event_type IN ('sudden_event', 'accident', 'serious_illness', "
                           "'other')", name=op.f('ck_relief_intake_event_type')),
        sa.CheckConstraint("hukou IN ('yuzhong', 'other')", name=op.f('ck_relief_intake_hukou')),
        sa.CheckConstraint('household_size BETWEEN 1 AND 20',
                           name=op.f('ck_relief_intake_household_size')),
        sa.CheckConstraint('monthly_income_fen >= 0', name=op.f('ck_relief_intake_income')),
        sa.CheckConstraint('financial_assets_fen >= 0',
                           name=op.f('ck_relief_intake_financial_assets')),
        sa.CheckConstraint('vehicle_value_fen >= 0', name=op.f('ck_relief_intake_vehicle')),
        sa.CheckConstraint('grade IS NULL OR grade BETWEEN 1 AND 3',
                           name=op.f('ck_relief_intake_grade')),
        sa.CheckConstraint("hukou = 'yuzhong' OR residence_permit_start IS NOT NULL",
                           name=op.f('ck_relief_intake_permit')),
        sa.ForeignKeyConstraint(['street_id'], ['street.id'],
                                name=op.f('fk_relief_intake_street_id_street')),
        sa.ForeignKeyConstraint(['community_id'], ['community.id'],
                                name=op.f('fk_relief_intake_community_id_community')),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'],
                                name=op.f('fk_relief_intake_person_id_person')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'],
                                name=op.f('fk_relief_intake_created_by_id_user')),
        sa.ForeignKeyConstraint(['application_id'], ['relief_application.id'],
                                name=op.f('fk_relief_intake_application_id_relief_application')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_relief_intake')),
        sa.UniqueConstraint('id_number_hash', 'event_date',
                            name=op.f('uq_relief_intake_id_number_hash_event_date')),
        sa.UniqueConstraint('application_id', name=op.f('uq_relief_intake_application_id')),
    )
    with op.batch_alter_table('relief_intake') as batch:
        batch.create_index(batch.f('ix_relief_intake_street_id'), ['street_id'], unique=False)
        batch.create_index(batch.f('ix_relief_intake_person_id'), ['person_id'], unique=False)
        batch.create_index(batch.f('ix_relief_intake_id_number_hash'), ['id_number_hash'],
                           unique=False)
    _person_checks(NEW_CATEGORIES, NEW_STATUSES)
    now = datetime.now(UTC)
    op.execute(income_line.insert().values([
        {"year": year, "disposable_income_fen": SEED_INCOME_FEN,
         "financial_assets_fen": SEED_FINANCIAL_ASSETS_FEN, "vehicle_value_fen": 0,
         "source": SEED_SOURCE, "updated_at": now} for year in SEED_YEARS]))


def downgrade():
    """Drop them (and the people recorded only for an intake)."""
    op.execute("DELETE FROM person WHERE status = 'not_on_roster'")
    _person_checks(OLD_CATEGORIES, OLD_STATUSES)
    op.drop_table('relief_intake')
    op.drop_table('income_line')
