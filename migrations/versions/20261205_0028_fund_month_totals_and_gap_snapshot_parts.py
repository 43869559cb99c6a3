"""The journal's monthly roll-up (sums per kind as disclosed, Shanghai month and account, kept
by every posting), back-filled from the journal; and the gap snapshot's listings stored apart
from its summary, one part per measure and street (stored snapshots are split in place)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05 13:00:00.000000

"""
from collections import defaultdict

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

#: Shanghai month of a UTC timestamp: UTC+8 all year (no daylight saving since 1991).
MONTH = {
    'postgresql': "to_char(timezone('Asia/Shanghai', e.posted_at), 'YYYY-MM')",
    'sqlite': "strftime('%Y-%m', e.posted_at, '+8 hours')",
}
#: A reversal is disclosed as the kind of the entry it reverses.
BACKFILL = """
INSERT INTO fund_month_total (kind, month, account_id, amount)
SELECT CASE WHEN e.kind = 'reversal' THEN COALESCE(o.kind, e.kind) ELSE e.kind END AS kind,
       {month} AS month, l.account_id, SUM(l.amount)
FROM journal_entry AS e
JOIN journal_line AS l ON l.entry_id = e.id
LEFT JOIN journal_entry AS o ON o.id = e.reverses_id
GROUP BY CASE WHEN e.kind = 'reversal' THEN COALESCE(o.kind, e.kind) ELSE e.kind END,
         {month}, l.account_id
"""

snapshot = sa.table('gap_snapshot', sa.column('token', sa.String), sa.column('day', sa.Date),
                    sa.column('data', sa.JSON))
part = sa.table('gap_snapshot_part', sa.column('token', sa.String),
                sa.column('day', sa.Date), sa.column('part', sa.String),
                sa.column('data', sa.JSON))


def upgrade():
    op.create_table(
        'fund_month_total',
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['fund_account.id'],
                                name=op.f('fk_fund_month_total_account_id_fund_account')),
        sa.PrimaryKeyConstraint('kind', 'month', 'account_id', name=op.f('pk_fund_month_total')),
    )
    bind = op.get_bind()
    op.execute(BACKFILL.format(month=MONTH[bind.dialect.name]))
    op.create_table(
        'gap_snapshot_part',
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('part', sa.String(length=60), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['token', 'day'], ['gap_snapshot.token', 'gap_snapshot.day'],
                                name=op.f('fk_gap_snapshot_part_token_gap_snapshot'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token', 'day', 'part', name=op.f('pk_gap_snapshot_part')),
    )
    # Each stored snapshot: its listings into parts ('<measure>:<street id>', entries without
    # the measure and street), its summary alone in `data`.
    for token, day, data in bind.execute(sa.select(snapshot)).all():
        parts = defaultdict(list)
        for measure, entries in data.get('gaps', {}).items():
            for subject, sid, _measure, owed, receives, alert, count in entries:
                parts[f'{measure}:{sid}'].append([subject, owed, receives, alert, count])
        if parts:
            bind.execute(part.insert(), [{'token': token, 'day': day, 'part': name,
                                          'data': entries} for name, entries in parts.items()])
        bind.execute(snapshot.update().where(snapshot.c.token == token, snapshot.c.day == day)
                     .values(data={'counts': data['counts']}))


def downgrade():
    bind = op.get_bind()
    merged = defaultdict(lambda: defaultdict(list))
    for token, day, name, entries in bind.execute(sa.select(part)).all():
        measure, sid = name.rsplit(':', 1)
        merged[(token, day)][measure] += [[e[0], int(sid), measure, *e[1:]] for e in entries]
    for token, day, data in bind.execute(sa.select(snapshot)).all():
        found = merged.get((token, day), {})
        listings = {m: sorted(found.get(m, []), key=lambda e: e[0])
                    for m in {m for _sid, by_measure in data['counts'] for m in by_measure}}
        bind.execute(snapshot.update().where(snapshot.c.token == token, snapshot.c.day == day)
                     .values(data={'counts': data['counts'], 'gaps': listings}))
    op.drop_table('gap_snapshot_part')
    op.drop_table('fund_month_total')
