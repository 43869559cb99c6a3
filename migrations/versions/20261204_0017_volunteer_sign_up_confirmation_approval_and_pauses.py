"""Volunteers and organisations sign up: e-mail, encrypted phone with its keyed hash, languages,
availability, an organisation's contact person, the e-mail confirmation, the street officer's
decision (pending, approved or rejected with a reason, by whom and when) and pauses; street aid
centres (稻草援助中心) are a kind of helper

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-04 08:00:00.000000

Helpers written before (the demo's) were already given to the optimiser: they are kept as
approved and confirmed, so upgrading changes no pairing.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('volunteer', 'organisation', 'enterprise')"
KINDS = "kind IN ('volunteer', 'organisation', 'enterprise', 'aid_centre')"


def upgrade():
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('contact_person', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('phone_encrypted', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('phone_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('phone_masked', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('languages', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('availability', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('decision_reason', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('decided_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('paused_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('pause_kind', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('pause_reason', sa.String(length=200), nullable=True))
    op.execute("UPDATE volunteer SET created_at = CURRENT_TIMESTAMP, "
               "decided_at = CURRENT_TIMESTAMP, confirmed_at = CURRENT_TIMESTAMP, "
               "status = 'approved', languages = '[]', availability = '[]'")
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.alter_column('created_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)
        batch_op.alter_column('languages', existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('availability', existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('status', existing_type=sa.String(length=20), nullable=False)
        batch_op.drop_constraint(batch_op.f('ck_volunteer_kind'), type_='check')
        batch_op.create_check_constraint('kind', sa.text(KINDS))
        batch_op.create_check_constraint(
            'status', sa.text("status IN ('pending', 'approved', 'rejected')"))
        batch_op.create_check_constraint(
            'pause_kind',
            sa.text("pause_kind IS NULL OR pause_kind IN ('holiday', 'illness', 'personal')"))
        batch_op.create_check_constraint(
            'rejected_with_reason', sa.text("status != 'rejected' OR decision_reason IS NOT NULL"))
        batch_op.create_check_constraint(
            'decided_when', sa.text("status = 'pending' OR decided_at IS NOT NULL"))
        batch_op.create_unique_constraint(batch_op.f('uq_volunteer_email'), ['email'])
        batch_op.create_unique_constraint(batch_op.f('uq_volunteer_phone_hash'), ['phone_hash'])
        batch_op.create_foreign_key(batch_op.f('fk_volunteer_decided_by_id_user'), 'user',
                                    ['decided_by_id'], ['id'])


def downgrade():
    op.execute("UPDATE volunteer SET kind = 'organisation' WHERE kind = 'aid_centre'")
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_volunteer_decided_by_id_user'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_volunteer_phone_hash'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_volunteer_email'), type_='unique')
        for name in ('decided_when', 'rejected_with_reason', 'pause_kind', 'status', 'kind'):
            batch_op.drop_constraint(batch_op.f(f'ck_volunteer_{name}'), type_='check')
        batch_op.create_check_constraint('kind', sa.text(OLD_KINDS))
        for column in ('pause_reason', 'pause_kind', 'paused_until', 'paused_at',
                       'confirmed_at', 'decided_at', 'decided_by_id', 'decision_reason',
                       'status', 'availability', 'languages', 'phone_masked', 'phone_hash',
                       'phone_encrypted', 'email', 'contact_person', 'created_at'):
            batch_op.drop_column(column)
