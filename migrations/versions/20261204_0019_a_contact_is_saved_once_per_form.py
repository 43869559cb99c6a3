"""A contact is saved once per form: the form's one-time key, unique, so a double tap or a
second tab sending the same form logs the contact once

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contact') as batch:
        batch.add_column(sa.Column('submission', sa.String(length=32), nullable=True))
        batch.create_unique_constraint('uq_contact_submission', ['submission'])


def downgrade():
    with op.batch_alter_table('contact') as batch:
        batch.drop_constraint('uq_contact_submission', type_='unique')
        batch.drop_column('submission')
