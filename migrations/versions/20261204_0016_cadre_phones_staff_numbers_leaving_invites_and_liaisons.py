"""Cadres enrolled for real: an encrypted phone with its keyed hash (one cadre per number) and
a masked copy, a unique staff number, the day and reason of leaving; invite links that let a
cadre set their password (only a hash of the secret kept); a liaison's department

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 08:00:00.000000

Cadres written before have no phone: the import or the form adds it.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cadre') as batch:
        batch.add_column(sa.Column('phone_encrypted', sa.Text(), nullable=True))
        batch.add_column(sa.Column('phone_hash', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('phone_masked', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('staff_number', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('left_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('leave_reason', sa.String(length=200), nullable=True))
        batch.create_unique_constraint(op.f('uq_cadre_phone_hash'), ['phone_hash'])
        batch.create_unique_constraint(op.f('uq_cadre_staff_number'), ['staff_number'])
    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('department_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_user_department_id_department'), 'department',
                                 ['department_id'], ['id'])
    op.create_table(
        'cadre_invite',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cadre_id', sa.Integer(), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'],
                                name=op.f('fk_cadre_invite_cadre_id_cadre')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'],
                                name=op.f('fk_cadre_invite_created_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cadre_invite')),
        sa.UniqueConstraint('secret_hash', name=op.f('uq_cadre_invite_secret_hash')),
    )
    op.create_index(op.f('ix_cadre_invite_cadre_id'), 'cadre_invite', ['cadre_id'])


def downgrade():
    op.drop_index(op.f('ix_cadre_invite_cadre_id'), table_name='cadre_invite')
    op.drop_table('cadre_invite')
    with op.batch_alter_table('user') as batch:
        batch.drop_constraint(op.f('fk_user_department_id_department'), type_='foreignkey')
        batch.drop_column('department_id')
    with op.batch_alter_table('cadre') as batch:
        batch.drop_constraint(op.f('uq_cadre_staff_number'), type_='unique')
        batch.drop_constraint(op.f('uq_cadre_phone_hash'), type_='unique')
        for column in ('leave_reason', 'left_on', 'staff_number', 'phone_masked', 'phone_hash',
                       'phone_encrypted'):
            batch.drop_column(column)
