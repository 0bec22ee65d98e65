"""A force-owned action cannot be restricted to the OPCC

Revision ID: a3d5e7f9c2b1
Revises: a3d9e1c47b20
Create Date: 2026-11-30 06:40:00.000000

Rows that already break the rule are not changed here: either fix is a decision for the
OPCC (lifting the restriction shows the action to the force; making it OPCC-owned changes
who answers for it). The upgrade stops before altering anything and names them, so they
can be corrected on each action's page and the upgrade run again.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3d5e7f9c2b1'
down_revision = 'a3d9e1c47b20'
branch_labels = None
depends_on = None

_actions = sa.table(
    'actions',
    sa.column('reference', sa.String(40)),
    sa.column('owning_organisation', sa.String(5)),
    sa.column('opcc_only', sa.Boolean()),
)


def upgrade():
    breaking = op.get_bind().scalars(
        sa.select(_actions.c.reference)
        .where(_actions.c.owning_organisation == 'force', _actions.c.opcc_only.is_(True))
        .order_by(_actions.c.reference)
    ).all()
    if breaking:
        raise RuntimeError(
            f"{len(breaking)} force-owned actions are restricted to the OPCC, which is no "
            "longer allowed. Make each one OPCC-owned or lift its restriction, then upgrade "
            "again: " + ", ".join(breaking)
        )
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_check_constraint(
            batch_op.f('ck_actions_force_owned_not_opcc_only'),
            "NOT (owning_organisation = 'force' AND opcc_only)",
        )


def downgrade():
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_actions_force_owned_not_opcc_only'), type_='check')
