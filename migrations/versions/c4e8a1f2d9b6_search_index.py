"""Search index: words of every action and source, indexed by FTS5 or a GIN tsvector

Revision ID: c4e8a1f2d9b6
Revises: c4e8a2d6f1b9
Create Date: 2026-11-30 09:30:00.000000

The words are made by tracker.search.words (the same function the application uses), so
the entries written here for existing rows are the ones the application would write.
"""
from alembic import op
import sqlalchemy as sa

from tracker.search.models import create_text_index, drop_text_index
from tracker.search.words import words_of


# revision identifiers, used by Alembic.
revision = 'c4e8a1f2d9b6'
down_revision = 'c4e8a2d6f1b9'
branch_labels = None
depends_on = None

# kind -> (table, indexed columns in order), as in tracker.search.index.INDEXED.
INDEXED = {
    "action": ("actions", ("reference", "title", "description")),
    "meeting": ("meetings", ("title", "themes")),
    "adhoc_request": ("adhoc_requests", ("subject", "detail")),
    "panel_item": ("panel_items", ("agenda_item", "text")),
    "hmicfrs_report": ("hmicfrs_reports", ("code", "title")),
    "finding": ("findings", ("reference", "text")),
}
BATCH = 2000


def upgrade():
    entries = op.create_table('search_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('words', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_entries')),
    sa.UniqueConstraint('record_id', 'kind', name='uq_search_entries_record')
    )
    connection = op.get_bind()
    for statement in create_text_index(connection.dialect.name):
        op.execute(statement)
    for kind, (table_name, fields) in INDEXED.items():
        source = sa.table(table_name, sa.column("id"), *(sa.column(name) for name in fields))
        last = 0
        while True:
            rows = connection.execute(
                sa.select(source).where(source.c.id > last).order_by(source.c.id).limit(BATCH)
            ).all()
            if not rows:
                break
            connection.execute(
                entries.insert(),
                [
                    {
                        "kind": kind,
                        "record_id": row.id,
                        "words": " ".join(words_of(*(getattr(row, name) for name in fields))),
                    }
                    for row in rows
                ],
            )
            last = rows[-1].id


def downgrade():
    for statement in drop_text_index(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_table('search_entries')
