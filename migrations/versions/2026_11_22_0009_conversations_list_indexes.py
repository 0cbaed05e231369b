"""conversations: an index for the inbox list sorted by price, highest first

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # price_desc orders DESC NULLS LAST (unknown prices last), which ix_conversations_price
    # (ASC NULLS LAST) cannot serve read backwards (that is DESC NULLS FIRST): without this
    # index the list sorted every conversation of the tenant. With it, the list walks this
    # index under its LIMIT like the recent and price-ascending sorts (the filters of the
    # inbox, status / mode / unread / channel, are checked on the rows walked).
    op.execute("CREATE INDEX ix_conversations_price_desc ON conversations.conversations "
               "(tenant_id, listing_price_minor DESC NULLS LAST, id DESC)")


def downgrade() -> None:
    op.execute("DROP INDEX conversations.ix_conversations_price_desc")
