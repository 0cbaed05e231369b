"""Channels and the AI agent: channel accounts (connecting, webhook settings, disconnecting)
and their diagnostics, the agent's settings and preview, the questions it could not answer, and
its knowledge base."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from switchboard_sdk import queries
from switchboard_sdk._base import MAX_PAGE, Api, every, page_of
from switchboard_sdk._codec import decode, decode_list, encode
from switchboard_sdk.agent import (
    AgentHealth,
    AgentPreview,
    AgentSettingsChange,
    AgentSettingsLevels,
    KnowledgeDocument,
    KnowledgeHit,
    KnowledgeUpload,
    UnansweredAnswered,
    UnansweredQuestion,
    UnansweredState,
)
from switchboard_sdk.errors import InvalidInput, ProtocolError
from switchboard_sdk.files import FileLike, read_file
from switchboard_sdk.models import Channel, ChannelDiagnostics, Page


@dataclass(frozen=True)
class AvitoAuthorization:
    """Where to send the seller to allow access on Avito; Avito then sends their browser back to
    Switchboard, which connects the account. `state` is single-use and expires."""

    authorization_url: str
    state: str = ""
    expires_at: datetime | None = None


class ChannelsApi(Api):
    async def channels(self) -> list[Channel]:
        """Your channel accounts (a tenant has a handful)."""
        return decode_list(Channel, await self._data(queries.CHANNELS, "channels", first=MAX_PAGE))

    async def channel_diagnostics(self, channel_id: str) -> ChannelDiagnostics:
        """What is wrong with a channel and how to fix it (asks Avito; takes a few seconds)."""
        found = await self._data(queries.CHANNEL_DIAGNOSTICS, "channelDiagnostics", id=channel_id)
        return decode(ChannelDiagnostics, found)

    async def sync_channel(self, channel_id: str) -> datetime:
        """Import what webhooks missed, now: returns when the sync is due (it runs within
        seconds, in the background). Safe to repeat."""
        due = await self._data(queries.SYNC_CHANNEL, "syncChannel", id=channel_id)
        try:
            return datetime.fromisoformat(str(due))
        except ValueError:
            raise ProtocolError(f"syncChannel answered {due!r}, not a date and time") from None


    async def connect_avito_channel(self, name: str, client_id: str, client_secret: str, *,
                                    signing_secret: str | None = None, sandbox: bool = False,
                                    subscribe_webhook: bool = True) -> Channel:
        """Connect an Avito account with its own client_id/secret (Avito's developer page): they
        are checked with Avito and stored encrypted, the webhook subscribed. Needs an admin
        key; `webhook_url` is in full only in this answer. Never retried blindly."""
        connected = await self._data(queries.CONNECT_AVITO_CHANNEL, "connectAvitoChannel",
                                     safe=False, input={
                                         "name": name, "clientId": client_id,
                                         "clientSecret": client_secret,
                                         "signingSecret": signing_secret, "sandbox": sandbox,
                                         "subscribeWebhook": subscribe_webhook})
        return decode(Channel, connected)

    async def connect_telegram_channel(self, token: str, *, name: str | None = None) -> Channel:
        """Connect a Telegram bot as a customer channel: buyers' private messages to it become
        conversations, replies go back through it. The token (from @BotFather) is checked with
        Telegram and stored encrypted; a bot another account uses is refused. Admin key; never
        retried blindly."""
        connected = await self._data(queries.CONNECT_TELEGRAM_CHANNEL, "connectTelegramChannel",
                                     safe=False, input={"token": token, "name": name})
        return decode(Channel, connected)

    async def start_avito_authorization(self, name: str, *,
                                        sandbox: bool = False) -> AvitoAuthorization:
        """Connect an Avito account through the platform's partner app, without its secret:
        send the seller to `authorization_url` (admin key)."""
        started = await self._data(queries.START_AVITO_AUTHORIZATION, "startAvitoAuthorization",
                                   safe=False, input={"name": name, "sandbox": sandbox})
        return decode(AvitoAuthorization, started)

    async def set_channel_webhook(self, channel_id: str, *, enabled: bool | None = None,
                                  signing_secret: str | None = None) -> Channel:
        """Switch webhook deliveries on or off and/or set the signing secret ("" clears it);
        None leaves a setting as it is. Admin key; safe to repeat."""
        if enabled is None and signing_secret is None:
            raise InvalidInput("give enabled, signing_secret or both", field="enabled")
        changed = await self._data(queries.SET_CHANNEL_WEBHOOK, "setChannelWebhook",
                                   id=channel_id, enabled=enabled, signing_secret=signing_secret)
        return decode(Channel, changed)

    async def disconnect_channel(self, channel_id: str) -> Channel:
        """Unsubscribe the webhook, stop sync and sending; conversations stay. Connecting the
        account again re-activates the channel. Admin key; safe to repeat."""
        return decode(Channel, await self._data(queries.DISCONNECT_CHANNEL, "disconnectChannel",
                                                id=channel_id))


class AgentApi(Api):
    async def agent_settings(self, channel_id: str | None = None) -> AgentSettingsLevels:
        """The agent's settings: effective, the tenant's, and a channel's override if asked."""
        found = await self._data(queries.AGENT_SETTINGS, "agentSettings", channel_id=channel_id)
        return decode(AgentSettingsLevels, found)

    async def update_agent_settings(self, change: AgentSettingsChange, *,
                                    channel_id: str | None = None) -> AgentSettingsLevels:
        """Change the tenant's settings, or a channel's override (needs an admin key)."""
        patch = encode(change)
        if channel_id is not None:
            patch["channelId"] = channel_id
        updated = await self._data(queries.UPDATE_AGENT_SETTINGS, "updateAgentSettings",
                                   safe=False, input=patch)
        return decode(AgentSettingsLevels, updated)

    async def agent_preview(self, question: str, *, channel_id: str | None = None,
                            listing_title: str | None = None) -> AgentPreview:
        """What the agent would answer; sends nothing to a buyer, but calls your model (which
        you pay for) and writes an audit record: it needs write, and is never retried."""
        found = await self._data(queries.AGENT_PREVIEW, "agentPreview", safe=False,
                                 question=question, channel_id=channel_id,
                                 listing_title=listing_title)
        return decode(AgentPreview, found)

    async def agent_health(self) -> AgentHealth:
        """Whether the agent's model answers (ok, failing, unknown), the last error and since
        when, from the audit of buyers' conversations: what a seller's alert is built on."""
        return decode(AgentHealth, await self._data(queries.AGENT_HEALTH, "agentHealth"))

    async def unanswered_questions(
            self, *, state: UnansweredState = UnansweredState.OPEN, first: int = 50,
            after: str | None = None) -> Page[UnansweredQuestion]:
        """One page of buyers' questions the agent could not answer, the latest asked first."""
        found = await self._data(queries.UNANSWERED_QUESTIONS, "unansweredQuestions",
                                 state=state.value, first=first, after=after)
        return page_of(UnansweredQuestion, found)

    def iter_unanswered_questions(
            self, *, state: UnansweredState = UnansweredState.OPEN,
            page_size: int = MAX_PAGE) -> AsyncIterator[UnansweredQuestion]:
        return every(lambda after: self.unanswered_questions(state=state, first=page_size,
                                                             after=after))

    async def answer_unanswered_question(self, question_id: str, answer: str, *,
                                         question: str = "") -> UnansweredAnswered:
        """Add `answer` to the knowledge base as an FAQ entry (its question: `question`, or the
        buyer's wording) and mark the question answered. Needs write; the same answer again
        replaces the entry, so a retry is safe."""
        found = await self._data(queries.ANSWER_UNANSWERED, "answerUnansweredQuestion",
                                 safe=True, id=question_id, answer=answer, question=question)
        return decode(UnansweredAnswered, found)

    async def dismiss_unanswered_question(self, question_id: str) -> UnansweredQuestion:
        """Hide the question (asked again, it stays hidden). Needs write; safe to repeat."""
        found = await self._data(queries.DISMISS_UNANSWERED, "dismissUnansweredQuestion",
                                 safe=True, id=question_id)
        return decode(UnansweredQuestion, found)

    async def knowledge_documents(self, *, first: int = 50,
                                  after: str | None = None) -> Page[KnowledgeDocument]:
        """One page of the knowledge base's documents, newest first."""
        found = await self._data(queries.KNOWLEDGE_DOCUMENTS, "knowledgeDocuments", first=first,
                                 after=after)
        return page_of(KnowledgeDocument, found)

    def iter_knowledge_documents(self, *,
                                 page_size: int = MAX_PAGE) -> AsyncIterator[KnowledgeDocument]:
        return every(lambda after: self.knowledge_documents(first=page_size, after=after))

    async def search_knowledge(self, query: str, *, limit: int = 5) -> list[KnowledgeHit]:
        """What the agent would find for a buyer's question, best first."""
        found = await self._data(queries.SEARCH_KNOWLEDGE, "searchKnowledge", query=query,
                                 limit=limit)
        return decode_list(KnowledgeHit, found)

    async def delete_knowledge_document(self, document_id: str) -> None:
        """Delete a document and its chunks (NotFound if there is none)."""
        await self._data(queries.DELETE_KNOWLEDGE_DOCUMENT, "deleteKnowledgeDocument",
                         safe=False, id=document_id)

    async def upload_knowledge(self, files: Sequence[FileLike]) -> KnowledgeUpload:
        """Upload documents (.txt, .md, .csv as question;answer, .docx, .xlsx, .pdf; up to 20
        of 20 MB each): one result per file, stored or rejected with the reason. The same
        content again replaces the earlier document, so a retry is safe."""
        if not files:
            raise InvalidInput("give at least one file", field="files")
        parts = [("files", read_file(file)) for file in files]
        body = await self._transport.rest("POST", "/v1/agent/knowledge/documents", safe=True,
                                          files=parts)
        return decode(KnowledgeUpload, body)
