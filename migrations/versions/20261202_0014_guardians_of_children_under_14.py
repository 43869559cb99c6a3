"""Guardians of children under 14: a child is enrolled only with a guardian recorded, with the
day they consented; the guardian's phone is stored encrypted, with a masked copy to show

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 08:00:00.000000

People enrolled before have no guardian row: the rule applies at enrolment.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'guardian',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('relation', sa.String(length=20), nullable=False),
        sa.Column('guardian_person_id', sa.Integer(), nullable=True),
        sa.Column('phone_encrypted', sa.Text(), nullable=True),
        sa.Column('phone_masked', sa.String(length=20), nullable=True),
        sa.Column('consent_on', sa.Date(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('phone_encrypted IS NOT NULL OR guardian_person_id IS NOT NULL',
                           name=op.f('ck_guardian_reachable')),
        sa.CheckConstraint('guardian_person_id IS NULL OR guardian_person_id != person_id',
                           name=op.f('ck_guardian_not_self')),
        sa.ForeignKeyConstraint(['guardian_person_id'], ['person.id'],
                                name=op.f('fk_guardian_guardian_person_id_person')),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'],
                                name=op.f('fk_guardian_person_id_person')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'],
                                name=op.f('fk_guardian_recorded_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_guardian')),
        sa.UniqueConstraint('person_id', name=op.f('uq_guardian_person_id')),
    )


def downgrade():
    op.drop_table('guardian')
