"""Split a parsed document into chunks: one per FAQ pair, ~800 characters of text otherwise.

Text is cut on paragraph boundaries, then sentences, then words; consecutive chunks share a short
overlap (the previous chunk's last sentence) so an answer split across a boundary is still found.
Each text chunk starts with its section heading, which often names the topic.
"""

from __future__ import annotations

import re

from services.agent.knowledge.domain import (
    MAX_CHUNKS_PER_DOCUMENT,
    ChunkDraft,
    ChunkKind,
    DocumentKind,
    ParsedDocument,
    ParseError,
)

TARGET_CHARS = 800
OVERLAP_CHARS = 150
_PARAGRAPHS = re.compile(r"\n\s*\n")
# A sentence ends with . ! ? or … followed by a space and a capital letter, digit or quote.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZА-ЯЁ0-9«\"(])")


def chunk(parsed: ParsedDocument) -> list[ChunkDraft]:
    drafts: list[ChunkDraft] = []
    for pair in parsed.faq:
        drafts.append(ChunkDraft(len(drafts), ChunkKind.FAQ, f"{pair.question}\n{pair.answer}",
                                 question=pair.question, answer=pair.answer))
    if parsed.kind is DocumentKind.LISTING:
        text = "\n".join(s.text.strip() for s in parsed.sections if s.text.strip())
        return [ChunkDraft(0, ChunkKind.LISTING, text)] if text else []
    for section in parsed.sections:
        prefix = f"{section.heading}\n" if section.heading else ""
        for piece in split_text(section.text, TARGET_CHARS - len(prefix)):
            drafts.append(ChunkDraft(len(drafts), ChunkKind.TEXT, prefix + piece))
            if len(drafts) > MAX_CHUNKS_PER_DOCUMENT:
                raise ParseError(f"the document is too long: more than {MAX_CHUNKS_PER_DOCUMENT} "
                                 f"chunks of {TARGET_CHARS} characters; split it into several files")
    return drafts


def split_text(text: str, target: int = TARGET_CHARS, overlap: int = OVERLAP_CHARS) -> list[str]:
    """Pack paragraph/sentence units into chunks of at most ~target characters."""
    target = max(target, 200)
    units = [u for p in _PARAGRAPHS.split(text) for u in _units(_squash(p), target) if u]
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for unit in units:
        if current and size + len(unit) + 1 > target:
            chunks.append(" ".join(current))
            tail = current[-1]
            # Overlap: repeat the last sentence when it is short and still leaves room.
            keep = len(tail) <= overlap and len(tail) + len(unit) + 1 <= target
            current, size = ([tail], len(tail) + 1) if keep else ([], 0)
        current.append(unit)
        size += len(unit) + 1
    if current:
        chunks.append(" ".join(current))
    return chunks


def _squash(paragraph: str) -> str:
    """One paragraph on one line: PDFs and DOCX wrap lines inside sentences."""
    return " ".join(paragraph.split())


def _units(paragraph: str, target: int) -> list[str]:
    """The paragraph if it fits, else its sentences, each cut at words if still too long."""
    if len(paragraph) <= target:
        return [paragraph]
    units: list[str] = []
    for sentence in _SENTENCE_END.split(paragraph):
        while len(sentence) > target:
            cut = sentence.rfind(" ", 0, target)
            cut = cut if cut > target // 2 else target
            units.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if sentence:
            units.append(sentence)
    return units
