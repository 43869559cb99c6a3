"""Department data-sharing API: tokens (keyed hash only) and the changes posted through it,
one per external id

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'api_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('holder', sa.String(length=80), nullable=False),
        sa.Column('prefix', sa.String(length=12), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('scopes', sa.JSON(), nullable=False),
        sa.Column('expires_on', sa.Date(), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'],
                                name=op.f('fk_api_token_created_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
        sa.UniqueConstraint('secret_hash', name=op.f('uq_api_token_secret_hash')),
    )
    op.create_table(
        'api_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('external_id', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('token_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('document_number', sa.String(length=60), nullable=True),
        sa.Column('effective_date', sa.Date(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('status', 'medical', 'service')",
                           name=op.f('ck_api_change_kind')),
        sa.ForeignKeyConstraint(['token_id'], ['api_token.id'],
                                name=op.f('fk_api_change_token_id_api_token')),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'],
                                name=op.f('fk_api_change_person_id_person')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_change')),
        sa.UniqueConstraint('external_id', name=op.f('uq_api_change_external_id')),
    )
    op.create_index(op.f('ix_api_change_token_id'), 'api_change', ['token_id'])
    op.create_index(op.f('ix_api_change_person_id'), 'api_change', ['person_id'])


def downgrade():
    op.drop_index(op.f('ix_api_change_person_id'), table_name='api_change')
    op.drop_index(op.f('ix_api_change_token_id'), table_name='api_change')
    op.drop_table('api_change')
    op.drop_table('api_token')
