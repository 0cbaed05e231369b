"""The SDK without a server: its GraphQL documents are valid against the gateway's schema (so a
schema change that breaks the SDK fails here), answers from a newer server decode (unknown
fields and enum values), and errors map to the SDK's exceptions with their details."""

from __future__ import annotations

import pytest
from graphql import FieldNode, OperationDefinitionNode, parse, validate
from switchboard_sdk import (
    AuthenticationError,
    Conflict,
    Conversation,
    ConversationStatus,
    InvalidInput,
    KnowledgeDocument,
    KnowledgeDocumentKind,
    NotFound,
    PermissionDenied,
    ProtocolError,
    RateLimited,
    ServerError,
    queries,
)
from switchboard_sdk._codec import decode
from switchboard_sdk.errors import from_graphql, from_problem

from gateway.config import GatewaySettings
from gateway.graphql.schema import build_schema

DOCUMENTS = {name: value for name, value in vars(queries).items()
             if name.isupper() and isinstance(value, str) and value.lstrip().startswith(
                 ("query", "mutation", "subscription"))}


# Every query, mutation and subscription of the API when the SDK was written (issue #12).
COVERED = {
    "conversations", "conversation", "messages", "channels", "channelDiagnostics",
    "agentSettings", "agentPreview", "knowledgeDocuments", "searchKnowledge",
    "sendMessage", "updateConversation", "markRead", "syncChannel", "deleteMessage",
    "blockContact", "updateAgentSettings", "deleteKnowledgeDocument", "conversationEvents",
    # What the Telegram bot needed (issue #12).
    "addNote", "connectAvitoChannel", "startAvitoAuthorization", "setChannelWebhook",
    "disconnectChannel",
    # Telegram bots as customer channels (issue #12).
    "connectTelegramChannel",
    # The bot's "AI is failing" alert (issue #12).
    "agentHealth",
    # Canned replies (issue #14).
    "cannedReplies", "renderCannedReply", "createCannedReply", "updateCannedReply",
    "deleteCannedReply",
    # The questions the agent could not answer (issue #15).
    "unansweredQuestions", "answerUnansweredQuestion", "dismissUnansweredQuestion"}


def test_every_document_is_valid_against_the_schema() -> None:
    schema = build_schema(GatewaySettings())._schema
    roots = set()
    for name, document in DOCUMENTS.items():
        parsed = parse(document)
        assert validate(schema, parsed) == [], name
        operation = next(d for d in parsed.definitions if isinstance(d, OperationDefinitionNode))
        roots.update(s.name.value for s in operation.selection_set.selections
                     if isinstance(s, FieldNode))
    assert roots == COVERED


def test_a_newer_servers_answer_still_decodes() -> None:
    conversation = decode(Conversation, {
        "id": "c1", "channelId": "ch1", "status": "ARCHIVED", "mode": "BOT", "labels": ["a"],
        "contact": {"id": "p1", "externalUserId": "42", "mood": "happy"}, "brandNewField": 1,
        "waitingSince": "2025-01-02T03:04:05+00:00"})
    assert conversation.status == "ARCHIVED" and conversation.status not in list(ConversationStatus)
    assert conversation.contact is not None and conversation.contact.external_user_id == "42"
    assert conversation.waiting_since is not None and conversation.waiting_since.year == 2025
    # REST's snake_case and lower-case enum values decode into the same types
    document = decode(KnowledgeDocument, {"id": "d1", "kind": "faq_csv", "size_bytes": 12.0})
    assert document.kind is KnowledgeDocumentKind.FAQ_CSV and document.size_bytes == 12
    with pytest.raises(ProtocolError, match="Conversation"):
        decode(Conversation, {"channelId": "ch1"})  # no id: not the API this SDK knows


@pytest.mark.parametrize(("status", "cls"), [
    (401, AuthenticationError), (403, PermissionDenied), (404, NotFound), (409, Conflict),
    (413, InvalidInput), (502, ServerError)])
def test_a_problem_is_its_exception(status: int, cls: type[Exception]) -> None:
    error = from_problem(status, {"status": status, "detail": "what happened"})
    assert isinstance(error, cls) and error.status == status and error.message == "what happened"


def test_details_travel_with_the_exception() -> None:
    invalid = from_problem(422, {"detail": "the request is not valid: body.text: too long",
                                 "errors": [{"loc": ["body", "text"], "msg": "too long"}]})
    assert isinstance(invalid, InvalidInput) and invalid.field == "text"
    crash = from_problem(500, {"detail": "internal error", "correlation_id": "abc123"})
    assert isinstance(crash, ServerError) and crash.correlation_id == "abc123"
    limited = from_problem(429, None, retry_after=3.0)
    assert isinstance(limited, RateLimited) and limited.retry_after == 3.0
    spent = from_graphql({"message": "the tenant's GraphQL budget is spent",
                          "extensions": {"code": "RATE_LIMITED", "retryAfterSeconds": 2}})
    assert isinstance(spent, RateLimited) and spent.retry_after == 2.0
    costly = from_graphql({"message": "ask for smaller pages",
                           "extensions": {"code": "QUERY_TOO_COSTLY", "cost": 30000}})
    assert isinstance(costly, InvalidInput) and costly.code == "QUERY_TOO_COSTLY"
    masked = from_graphql({"message": "Unexpected error.",
                           "extensions": {"code": "INTERNAL_SERVER_ERROR", "correlationId": "f00"}})
    assert isinstance(masked, ServerError) and masked.correlation_id == "f00"
    bad = from_graphql({"message": "`limit` must be between 1 and 20",
                        "extensions": {"code": "BAD_USER_INPUT"}}, {"query": "q", "limit": 50})
    assert isinstance(bad, InvalidInput) and bad.field == "limit"
    nested = from_graphql({"message": "silenceWindowS must be between 1 and 600",
                           "extensions": {"code": "BAD_USER_INPUT"}},
                          {"input": {"silenceWindowS": 0}})
    assert isinstance(nested, InvalidInput) and nested.field == "silence_window_s"
    variable = from_graphql({"message": "Variable '$input' got invalid value 'X' at 'input.mode'; "
                                        "Value 'X' does not exist in 'ConversationMode' enum.",
                             "extensions": {"code": "BAD_USER_INPUT"}})
    assert isinstance(variable, InvalidInput) and variable.field == "mode"
    vague = from_graphql({"message": "a message needs text or attachments",
                          "extensions": {"code": "BAD_USER_INPUT"}}, {"input": {"text": ""}})
    assert isinstance(vague, InvalidInput) and vague.field is None
