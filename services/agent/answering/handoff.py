"""Handing a conversation to the managers: noticing that the buyer asks for a human, and doing it.

Doing it = conversations UpdateConversation(mode=MANAGER), then a private note with the reason
(AddNote); the HandoffRequested event is written with the audit entry by the caller. Both calls
are idempotent, so a run repeated after a lost lease changes nothing twice.
"""

from __future__ import annotations

import re
import uuid

from clients.rpc.conversations import ConversationsClient
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb

# Russian inflection endings, longest first. Stripping them maps "оператора", "оператору",
# "операторы" to "оператор" and "живого", "живым" to "жив" -- enough for a keyword list.
_ENDINGS = sorted(
    ["ами", "ями", "ого", "его", "ому", "ему", "ыми", "ими", "ых", "их", "ым", "им", "ой", "ей",
     "ом", "ем", "ам", "ям", "ах", "ях", "ую", "юю", "ая", "яя", "ое", "ее", "ые", "ие", "ый",
     "ий", "ов", "ев", "а", "я", "о", "е", "у", "ю", "ы", "и", "ь", "й"],
    key=len, reverse=True)
_WORD = re.compile(r"[a-zа-я0-9]+")
NOTE_PREFIX = "Агент передал диалог менеджеру. Причина: "


def normalize(text: str) -> str:
    return text.lower().replace("ё", "е")


def stem(word: str) -> str:
    """A crude Russian stem. A short stem needs a long ending: "живу" stays itself (a verb),
    while "живой" becomes "жив"."""
    for ending in _ENDINGS:
        rest = len(word) - len(ending)
        if word.endswith(ending) and (rest >= 4 or (rest == 3 and len(ending) >= 2)):
            return word[:rest]
    return word


def asks_for_human(text: str, keywords: tuple[str, ...]) -> str | None:
    """The keyword (or phrase: all its words, any order) the buyer used, if any."""
    stems = {stem(w) for w in _WORD.findall(normalize(text))}
    for keyword in keywords:
        words = _WORD.findall(normalize(keyword))
        if words and all(stem(w) in stems for w in words):
            return keyword
    return None


def note_text(reason: str) -> str:
    return NOTE_PREFIX + reason


class Handoffs:
    def __init__(self, conversations: ConversationsClient) -> None:
        self.conversations = conversations

    async def hand_over(self, tenant_id: uuid.UUID, conversation_id: str, reason: str,
                        key: str) -> conv_pb.Conversation:
        """Manager mode and a note saying why; `key` makes a repeat add no second note."""
        conversation = await self.conversations.update_conversation(
            tenant_id, conv_pb.UpdateConversationRequest(
                id=conversation_id, update_fields=["mode"], mode=conv_pb.CONVERSATION_MODE_MANAGER))
        await self.conversations.add_note(
            tenant_id, conversation_id, note_text(reason), author=conv_pb.SENDER_KIND_AGENT,
            idempotency_key=f"{key}:handoff")
        return conversation
