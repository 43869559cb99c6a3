"""Gift reviews, sponsored people, fees, standing orders, campaign designation

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def _sqlite_foreign_keys(on: bool) -> None:
    """SQLite's batch mode drops and copies tables that other tables point at: foreign keys
    are switched off around it, after a commit (SQLite ignores the pragma in a transaction)."""
    if op.get_bind().dialect.name == 'sqlite':
        raw = op.get_bind().connection.driver_connection
        raw.commit()
        raw.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


def upgrade():
    _sqlite_foreign_keys(False)
    _upgrade()
    _sqlite_foreign_keys(True)


def downgrade():
    _sqlite_foreign_keys(False)
    _downgrade()
    _sqlite_foreign_keys(True)


def _upgrade():
    op.create_table('gift_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('donation_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('released_fen', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("decision IN ('released', 'withheld', 'cleared')", name=op.f('ck_gift_review_decision')),
    sa.CheckConstraint('released_fen >= 0', name=op.f('ck_gift_review_released')),
    sa.ForeignKeyConstraint(['donation_id'], ['donation.id'], name=op.f('fk_gift_review_donation_id_donation')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], name=op.f('fk_gift_review_reviewed_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gift_review')),
    sa.UniqueConstraint('donation_id', name=op.f('uq_gift_review_donation_id'))
    )
    op.create_table('sponsored_person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sponsorship_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('unit_fen', sa.BigInteger(), nullable=False),
    sa.Column('paired_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('unit_fen > 0', name=op.f('ck_sponsored_person_unit')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_sponsored_person_person_id_person')),
    sa.ForeignKeyConstraint(['sponsorship_id'], ['sponsorship.id'], name=op.f('fk_sponsored_person_sponsorship_id_sponsorship')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sponsored_person')),
    sa.UniqueConstraint('person_id', name=op.f('uq_sponsored_person_person_id'))
    )
    with op.batch_alter_table('sponsored_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sponsored_person_sponsorship_id'), ['sponsorship_id'], unique=False)
    # The one person an old pledge paid for becomes its first sponsored person.
    op.execute("INSERT INTO sponsored_person (sponsorship_id, person_id, unit_fen, paired_at) "
               "SELECT id, person_id, amount_fen, COALESCE(paired_at, created_at) "
               "FROM sponsorship WHERE person_id IS NOT NULL")
    with op.batch_alter_table('sponsorship', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_sponsorship_person_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_sponsorship_person_id_person'), type_='foreignkey')
        batch_op.drop_column('person_id')

    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fee_fen', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.create_check_constraint(batch_op.f('ck_donation_fee'), 'fee_fen >= 0 AND fee_fen < amount_fen')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('designation', sa.String(length=60), nullable=True))
    with op.batch_alter_table('recurring_gift', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='stripe', nullable=False))
        batch_op.alter_column('stripe_customer', existing_type=sa.String(length=80), nullable=True)
        batch_op.alter_column('setup_intent', existing_type=sa.String(length=80), nullable=True)
        batch_op.create_check_constraint(batch_op.f('ck_recurring_gift_kind'), "kind IN ('stripe', 'standing_order')")
        batch_op.create_check_constraint(batch_op.f('ck_recurring_gift_stripe_ids'), "kind = 'standing_order' OR (stripe_customer IS NOT NULL AND setup_intent IS NOT NULL)")


def _downgrade():
    # Standing orders have no Stripe ids: they cannot live in the older table.
    op.execute("DELETE FROM recurring_gift WHERE kind = 'standing_order' AND NOT EXISTS "
               "(SELECT 1 FROM donation WHERE donation.recurring_id = recurring_gift.id)")
    op.execute("UPDATE recurring_gift SET stripe_customer = COALESCE(stripe_customer, ''), "
               "setup_intent = COALESCE(setup_intent, 'standing_order_' || id)")
    with op.batch_alter_table('recurring_gift', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_recurring_gift_stripe_ids'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_recurring_gift_kind'), type_='check')
        batch_op.alter_column('setup_intent', existing_type=sa.String(length=80), nullable=False)
        batch_op.alter_column('stripe_customer', existing_type=sa.String(length=80), nullable=False)
        batch_op.drop_column('kind')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('designation')
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_donation_fee'), type_='check')
        batch_op.drop_column('fee_fen')

    with op.batch_alter_table('sponsorship', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_sponsorship_person_id_person'), 'person', ['person_id'], ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_sponsorship_person_id'), ['person_id'])
    # A pledge of the older schema pays for one person: its first.
    op.execute("UPDATE sponsorship SET person_id = (SELECT sp.person_id FROM sponsored_person sp "
               "WHERE sp.sponsorship_id = sponsorship.id ORDER BY sp.id LIMIT 1)")
    with op.batch_alter_table('sponsored_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sponsored_person_sponsorship_id'))
    op.drop_table('sponsored_person')
    op.drop_table('gift_review')
