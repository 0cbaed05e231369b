"""The inbox search (`ConversationFilter.query`): which conversations a search finds.

A conversation matches when its buyer's name or its listing's title contains the search as
typed (ILIKE: any case, parts of words), or when one of its messages matches it as words
(`websearch_to_tsquery` with the `russian` configuration: stemmed, so "доставкой" finds
"доставка"; quotes, `or` and `-word` work as on a search engine). Words the configuration drops
(stop words) match nothing in messages.

Cost (measured on the bench's data set, migration 0028): under row-level security PostgreSQL
uses only leakproof operators as index conditions, and `@@` and ILIKE are not, so no text index
can serve the runtime role. The tenant's contacts and messages are read once through their
tenant_id indexes (hashed subplans), then the list walks its sort's index as without a search:
linear in the tenant's messages, about 4-9 µs a message on the bench machine (2,000 messages
8-18 ms; a tenant with 100,000 messages pays about half a second a search).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import bindparam, func, literal_column, or_, select

from services.conversations.models import Contact, Conversation, Message

_RUSSIAN = literal_column("'russian'::regconfig")


def normalized(query: str) -> str:
    """The search as it is matched: spaces collapsed; "" = no search."""
    return re.sub(r"\s+", " ", query).strip()


def like_pattern(query: str) -> str:
    """`%query%` with the LIKE wildcards of the query itself taken literally."""
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def condition() -> Any:
    """The match, with parameters `q` (the search) and `q_like` (its `like_pattern`)."""
    like = bindparam("q_like", type_=Conversation.listing_title.type)
    words = func.websearch_to_tsquery(_RUSSIAN, bindparam("q", type_=Message.text.type))
    in_messages = select(Message.conversation_id).where(
        func.to_tsvector(_RUSSIAN, Message.text).op("@@")(words))
    named = select(Contact.id).where(Contact.name.ilike(like, escape="\\"))
    return or_(Conversation.listing_title.ilike(like, escape="\\"),
               Conversation.contact_id.in_(named), Conversation.id.in_(in_messages))
