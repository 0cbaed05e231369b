"""The agent's unit of work: one transaction with every repository of the agent schema on it.

The SQL lives with each capability: settings/, answering/ (pending replies, summaries), audit/
and knowledge/ (documents, chunks, retrieval) have their own repository.py. Repositories flush,
never commit.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction

from services.agent.answering.repository import PendingRepository, SummaryRepository
from services.agent.audit.repository import AuditRepository
from services.agent.audit.unanswered_repository import UnansweredRepository
from services.agent.knowledge.repository import ChunkRepository, DocumentRepository
from services.agent.knowledge.synonym_repository import SynonymRepository
from services.agent.settings.repository import SettingsRepository
from services.kernel.outbox import Outbox
from services.kernel.unit import Unit


class AgentUnit(Unit):
    """One transaction of the agent service: its repositories and `emit`."""

    def __init__(self, session: AsyncSession, outbox: Outbox | None = None) -> None:
        super().__init__(session, outbox)
        self.settings = SettingsRepository(session)
        self.pending = PendingRepository(session)
        self.summaries = SummaryRepository(session)
        self.audit = AuditRepository(session)
        self.unanswered = UnansweredRepository(session)
        self.documents = DocumentRepository(session)
        self.chunks = ChunkRepository(session)
        self.synonyms = SynonymRepository(session)

    def savepoint(self) -> AsyncSessionTransaction:
        """A nested transaction (`async with unit.savepoint():`): what fails inside it is
        undone alone, the rest of the unit stays."""
        return self.session.begin_nested()
