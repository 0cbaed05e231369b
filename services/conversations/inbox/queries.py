"""The inbox list statement: filters, sort and keyset in SQL, built once per shape.

SQL, like a repository's; `ConversationRepository.list_page` runs it, the bench EXPLAINs it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from sqlalchemy import Integer, Select, and_, bindparam, cast, or_, select, tuple_
from sqlalchemy.orm import aliased

from services.conversations.inbox import search
from services.conversations.inbox.filters import ConversationFilter, Sort
from services.conversations.models import Contact, Conversation
from services.kernel.repository import cursor_id, cursor_time

ConversationRow = tuple[Conversation, Contact]


def cursor_fields(sort: Sort) -> dict[str, Callable[[Any], Any]]:
    """What a cursor of the list in this sort holds, each with its parser (`Cursors.decode`)."""
    return {"id": cursor_id, **({"t": cursor_time} if sort is Sort.RECENT else {"p": _price})}


def page_query(flt: ConversationFilter, sort: Sort, limit: int,
               c: dict[str, Any] | None = None, *,
               pinned: bool = False) -> tuple[Select[ConversationRow], dict[str, Any]]:
    """The inbox list statement over the pinned rows or over the others (every list shows the
    pinned first: `ConversationRepository.list_page` asks for both), and the values of its
    parameters, after the row `c` (a decoded cursor of `cursor_fields(sort)`) if given. The
    statement depends only on the sort, which filters are set, the kind of cursor and the
    part, so it is built once per shape (building it cost more than the query takes)."""
    values: dict[str, Any] = {"limit": limit}
    values.update({name: value for name, value in (
        ("status", flt.status), ("mode", flt.mode), ("channel_id", flt.channel_id),
        ("assignee_user_id", flt.assignee_user_id)) if value is not None})
    flags = {name for name in ("unread_only", "needs_manager", "unassigned")
             if getattr(flt, name)}
    if flt.labels:
        values["labels"] = list(flt.labels)
    if query := search.normalized(flt.query):
        values["q"], values["q_like"] = query, search.like_pattern(query)
    after = ""
    if c is not None:
        values["id"] = c["id"]
        if sort is Sort.RECENT:
            after, values["t"] = "t", c["t"]
        elif c["p"] is None:
            after = "unknown price"
        else:
            after, values["p"] = "p", c["p"]
    shape = frozenset(values).union(flags) - {"limit", "id", "t", "p", "q_like"}
    return _page_statement(sort, shape, after, pinned), values


def _price(value: Any) -> int | None:
    """A cursor's price: kopecks that fit the bigint column, or None (unknown)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("a cursor's price is an integer")
    if not -(2**63) <= value < 2**63:
        raise ValueError("a cursor's price is out of range")
    return value


def page_statement(flt: ConversationFilter, sort: Sort, limit: int,
                   c: dict[str, Any] | None = None, *,
                   pinned: bool = False) -> Select[ConversationRow]:
    """`page_query` with its values bound (what list_page runs, for EXPLAIN)."""
    stmt, values = page_query(flt, sort, limit, c, pinned=pinned)
    return stmt.params(values)


# Filters set by the shape's name, beyond the `column = :value` ones.
_CONDITIONS: dict[str, Callable[[], Any]] = {
    "unread_only": lambda: Conversation.unread_count > 0,
    # ix_conversations_handoff (partial) serves the recent sort
    "needs_manager": lambda: Conversation.handoff_requested_at.is_not(None),
    "unassigned": lambda: Conversation.assignee_user_id.is_(None),
    # Cast: a literal array (EXPLAIN's rendering) is text[], which varchar[] @> does not take.
    "labels": lambda: Conversation.labels.contains(
        cast(bindparam("labels", type_=Conversation.labels.type), Conversation.labels.type)),
    "q": search.condition,
}


@functools.cache  # a few sorts x sets of filters x kinds of cursor x 2 parts
def _page_statement(sort: Sort, shape: frozenset[str], after: str,
                    pinned: bool) -> Select[ConversationRow]:
    """The page is picked from conversations alone (filters, keyset, sort, LIMIT) so the
    planner walks the sort's index and stops at the limit, then contacts are joined to those
    rows only. (Joined before the LIMIT, the planner read all the tenant's conversations and
    contacts and sorted them.) The pinned part reads ix_conversations_pinned (a tenant pins
    few) and sorts those."""
    order = _SORTS[sort]
    picked = select(Conversation).where(Conversation.pinned if pinned else ~Conversation.pinned)
    for name in sorted(shape):
        if name in _CONDITIONS:
            picked = picked.where(_CONDITIONS[name]())
        else:
            column = getattr(Conversation, name)
            picked = picked.where(column == bindparam(name, type_=column.type))
    if after:
        picked = picked.where(_after(sort, after))
    page = aliased(Conversation, picked.order_by(*order(Conversation))
                   .limit(bindparam("limit", type_=Integer)).subquery("page"))
    return (select(page, Contact).join(Contact, Contact.id == page.contact_id)
            .order_by(*order(page)))


def _after(sort: Sort, kind: str) -> Any:
    """Keyset past the cursor's row (values t, p, id), unknown prices always last. A row
    comparison, so the sort's index (tenant_id, key, id) takes it as its index condition."""
    id_ = bindparam("id", type_=Conversation.id.type)
    if sort is Sort.RECENT:
        t = bindparam("t", type_=Conversation.last_message_at.type)
        return tuple_(Conversation.last_message_at, Conversation.id) < tuple_(t, id_)
    ascending, col = sort is Sort.PRICE_ASC, Conversation.listing_price_minor
    if kind == "unknown price":
        return and_(col.is_(None), (Conversation.id > id_) if ascending
                    else (Conversation.id < id_))
    key, past = tuple_(col, Conversation.id), tuple_(bindparam("p", type_=col.type), id_)
    return or_(key > past if ascending else key < past, col.is_(None))


def _recent(c: Any) -> tuple[Any, ...]:
    return c.last_message_at.desc(), c.id.desc()


def _price_asc(c: Any) -> tuple[Any, ...]:
    return c.listing_price_minor.asc().nulls_last(), c.id.asc()


def _price_desc(c: Any) -> tuple[Any, ...]:  # ix_conversations_price_desc
    return c.listing_price_minor.desc().nulls_last(), c.id.desc()


# Sort -> ORDER BY of the conversations entity or of its alias.
_SORTS: dict[Sort, Callable[[Any], tuple[Any, ...]]] = {
    Sort.RECENT: _recent, Sort.PRICE_ASC: _price_asc, Sort.PRICE_DESC: _price_desc}
