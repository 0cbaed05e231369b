"""The inbox: conversations and their messages, replies (with images), and what a seller does
to a conversation."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from switchboard_sdk import queries
from switchboard_sdk._base import MAX_PAGE, Api, every, page_of
from switchboard_sdk._codec import UNSET, Unset, decode
from switchboard_sdk.errors import NotFound
from switchboard_sdk.files import FileLike, read_file
from switchboard_sdk.models import (
    BlockReason,
    CannedReply,
    Conversation,
    ConversationMode,
    ConversationSort,
    ConversationStatus,
    Media,
    Message,
    Page,
    RenderedCannedReply,
)


@dataclass(frozen=True)
class ConversationFilter:
    """Which conversations to list; None leaves a criterion out."""

    status: ConversationStatus | None = None
    mode: ConversationMode | None = None
    unread_only: bool = False
    channel_id: str | None = None
    needs_manager: bool = False  # only those the AI handed over that no person took yet
    assignee: str | None = None  # a user's id, "me" (a signed-in user) or "none" (unassigned)
    labels: list[str] | None = None  # each must be on the conversation
    # Search: buyer's name, listing title (any part) and messages' words (Russian forms).
    query: str | None = None


class InboxApi(Api):
    async def conversations(self, filter: ConversationFilter | None = None, *,
                            sort: ConversationSort = ConversationSort.RECENT, first: int = 20,
                            after: str | None = None) -> Page[Conversation]:
        """One page of the inbox (at most 100); `after` is the previous page's `end_cursor`."""
        found = await self._data(queries.CONVERSATIONS, "conversations", filter=filter,
                                 sort=sort, first=first, after=after)
        return page_of(Conversation, found)

    def iter_conversations(self, filter: ConversationFilter | None = None, *,
                           sort: ConversationSort = ConversationSort.RECENT,
                           page_size: int = MAX_PAGE) -> AsyncIterator[Conversation]:
        """Every conversation that matches, page after page as you iterate."""
        return every(lambda after: self.conversations(filter, sort=sort, first=page_size,
                                                      after=after))

    async def conversation(self, id: str) -> Conversation:
        """One conversation, with its channel; NotFound if your tenant has none with this id."""
        found = await self._data(queries.CONVERSATION_BY_ID, "conversation", id=id)
        if found is None:
            raise NotFound(f"no conversation {id}")
        return decode(Conversation, found)

    async def messages(self, conversation_id: str, *, first: int = 50,
                       after: str | None = None) -> Page[Message]:
        """One page of a conversation's messages, newest first (`after` goes back in time)."""
        found = await self._data(queries.MESSAGES, "messages", conversation_id=conversation_id,
                                 first=first, after=after)
        return page_of(Message, found)

    def iter_messages(self, conversation_id: str, *,
                      page_size: int = MAX_PAGE) -> AsyncIterator[Message]:
        """Every message of a conversation, newest first."""
        return every(lambda after: self.messages(conversation_id, first=page_size, after=after))

    async def send_message(self, conversation_id: str, text: str = "", *,
                           media_ids: Sequence[str] = (),
                           idempotency_key: str | None = None) -> Message:
        """Queue a reply (text, images uploaded with `upload_media`, or both): it comes back
        PENDING and turns SENT or FAILED (see `conversation_events`). An idempotency key (one is
        made if you give none) lets the SDK retry a send that may not have arrived: the server
        answers a repeat with the first message instead of sending twice."""
        key = idempotency_key or uuid.uuid4().hex
        attachments = [{"kind": "image", "mediaId": media_id} for media_id in media_ids]
        sent = await self._data(queries.SEND_MESSAGE, "sendMessage", safe=True, input={
            "conversationId": conversation_id, "text": text, "idempotencyKey": key,
            "attachments": attachments or None})
        return decode(Message, sent)

    async def add_note(self, conversation_id: str, text: str, *,
                       idempotency_key: str | None = None) -> Message:
        """A private note on the conversation (content type "note", at most 4000 characters):
        your team sees it, the buyer never does; live clients get `note.added`. Written by the
        key (sender USER, no user id). Retried like `send_message`, with an idempotency key."""
        note = await self._data(queries.ADD_NOTE, "addNote", safe=True,
                                conversation_id=conversation_id, text=text,
                                idempotency_key=idempotency_key or uuid.uuid4().hex)
        return decode(Message, note)

    async def canned_replies(self) -> list[CannedReply]:
        """Your tenant's canned replies (at most 500), by title."""
        found = await self._data(queries.CANNED_REPLIES, "cannedReplies")
        return [decode(CannedReply, r) for r in found]

    async def render_canned_reply(self, id: str, conversation_id: str) -> RenderedCannedReply:
        """The reply's text with the conversation's values (nothing is sent)."""
        done = await self._data(queries.RENDER_CANNED_REPLY, "renderCannedReply", id=id,
                                conversation_id=conversation_id)
        return decode(RenderedCannedReply, done)

    async def create_canned_reply(self, title: str, text: str, *,
                                  shortcut: str | None = None) -> CannedReply:
        """Needs an admin key; Conflict when the shortcut is another reply's."""
        created = await self._data(queries.CREATE_CANNED_REPLY, "createCannedReply",
                                   safe=False, title=title, text=text, shortcut=shortcut)
        return decode(CannedReply, created)

    async def update_canned_reply(self, id: str, *, title: str | Unset = UNSET,
                                  text: str | Unset = UNSET,
                                  shortcut: str | Unset | None = UNSET) -> CannedReply:
        """Change what is given (`shortcut=None` removes it); needs an admin key."""
        given = {key: value for key, value in
                 {"title": title, "text": text, "shortcut": shortcut}.items()
                 if value is not UNSET}
        updated = await self._data(queries.UPDATE_CANNED_REPLY, "updateCannedReply",
                                   input={"id": id, **given})
        return decode(CannedReply, updated)

    async def delete_canned_reply(self, id: str) -> None:
        """Needs an admin key; NotFound when your tenant has no such reply."""
        await self._data(queries.DELETE_CANNED_REPLY, "deleteCannedReply", safe=False, id=id)

    async def upload_media(self, file: FileLike, *, filename: str | None = None,
                           content_type: str | None = None) -> Media:
        """Upload an image (JPEG, PNG, GIF, BMP or HEIC, up to 24 MB) for `send_message`."""
        name, content, mime = read_file(file, filename, content_type)
        body = await self._transport.rest("POST", "/v1/media", safe=False,
                                          files={"file": (name, content, mime)})
        return decode(Media, body)

    async def reply_with_media(self, conversation_id: str, text: str,
                               files: Sequence[FileLike]) -> Message:
        """Upload the images and send them after the text, as one reply."""
        media = [await self.upload_media(file) for file in files]
        return await self.send_message(conversation_id, text,
                                       media_ids=[m.media_id for m in media])

    async def update_conversation(
            self, id: str, *, status: ConversationStatus | Unset = UNSET,
            mode: ConversationMode | Unset = UNSET, assignee_user_id: str | Unset | None = UNSET,
            pinned: bool | Unset = UNSET, labels: Sequence[str] | Unset | None = UNSET,
            snoozed_until: datetime | Unset = UNSET,
    ) -> Conversation:
        """Change what is given; `assignee_user_id=None` unassigns, `labels=None` clears them;
        `status=SNOOZED` needs `snoozed_until` (future, at most 90 days; aware datetime).
        Safe to retry: it sets values, it does not add to them."""
        changes = {"status": status, "mode": mode, "assigneeUserId": assignee_user_id,
                   "pinned": pinned, "labels": list(labels) if isinstance(labels, Sequence) else labels,
                   "snoozedUntil": snoozed_until}
        given = {key: value for key, value in changes.items() if value is not UNSET}
        updated = await self._data(queries.UPDATE_CONVERSATION, "updateConversation",
                                   input={"id": id, **given})
        return decode(Conversation, updated)

    async def mark_read(self, conversation_id: str) -> Conversation:
        """Zero the unread count (the channel is told too)."""
        read = await self._data(queries.MARK_READ, "markRead", conversation_id=conversation_id)
        return decode(Conversation, read)

    async def delete_message(self, conversation_id: str, message_id: str) -> Message:
        """Delete one of your replies on the channel (Avito: within an hour of sending).
        Asynchronous: the message becomes content type "deleted" or gets a failure reason."""
        deleted = await self._data(queries.DELETE_MESSAGE, "deleteMessage", safe=False,
                                   conversation_id=conversation_id, message_id=message_id)
        return decode(Message, deleted)

    async def block_contact(self, conversation_id: str,
                            reason: BlockReason = BlockReason.OTHER) -> Conversation:
        """Blacklist the conversation's buyer on the channel."""
        blocked = await self._data(queries.BLOCK_CONTACT, "blockContact", safe=False,
                                   conversation_id=conversation_id, reason=reason)
        return decode(Conversation, blocked)
