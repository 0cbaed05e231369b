"""The GraphQL documents the SDK sends: constants, written against the schema of the API's v1
(no schema is downloaded at run time). Each document carries only the fragments it uses."""

from __future__ import annotations

CONTACT = "fragment ContactFields on Contact { id externalUserId name phone }"
LISTING = "fragment ListingFields on Listing { externalId title priceMinor priceRub url imageUrl }"
CONVERSATION = """
fragment ConversationFields on Conversation {
  id channelId channelKind externalChatId contact { ...ContactFields } status mode
  assigneeUserId pinned labels unreadCount waitingSince lastMessageAt lastMessagePreview
  listing { ...ListingFields } createdAt updatedAt handoff { requestedAt reason kind }
  snoozedUntil
}"""
MESSAGE = """
fragment MessageFields on Message {
  id conversationId direction sender senderUserId contentType text
  attachments { kind url externalId title mimeType transcript }
  status failureReason externalMessageId quotedMessageId sentAt createdAt
}"""
CHANNEL = """
fragment ChannelFields on Channel {
  id kind name status externalAccountId externalAccountName webhookUrl webhookSubscribed
  authKind webhookEnabled signingSecretSet lastWebhookAt lastSyncAt createdAt
}"""
SETTINGS = """
fragment SettingsFields on AgentSettings {
  enabled instructions model baseUrl apiKeySet temperature replyLanguage
  businessHours { timeZone days { weekday open close } } outsideHours
  handoff { keywords lowConfidenceLimit }
  limits { repliesPerConversationPerHour maxReplyChars contextMessages maxPromptTokens }
  embeddingsModel faqMatchThreshold silenceWindowS maxWaitS humanReplyTakesOver
}
fragment LevelsFields on AgentSettingsLevels {
  effective { ...SettingsFields } tenant { ...SettingsFields }
  channelOverride { ...SettingsFields } overriddenFields channelId
}"""
DOCUMENT = """
fragment DocumentFields on KnowledgeDocument {
  id name mimeType kind status error chunkCount sizeBytes sha256 sourceRef createdAt updatedAt
}"""
CHUNK = """
fragment ChunkFields on AgentChunk { chunkId documentId kind text question score }"""
UNANSWERED = """
fragment UnansweredFields on UnansweredQuestion {
  id question askedCount firstAskedAt lastAskedAt conversationId bestChunkId bestQuestion
  bestScore reason state answeredDocumentId resolvedAt
}"""
PAGE_INFO = "pageInfo { hasNextPage endCursor }"
CONVERSATION_ALL = (CONVERSATION, CONTACT, LISTING)


def _doc(body: str, *fragments: str) -> str:
    return "\n".join((body.strip(), *fragments))


CONVERSATIONS = _doc(f"""
query Conversations($filter: ConversationFilterInput, $sort: ConversationSort!, $first: Int!,
                    $after: String) {{
  conversations(filter: $filter, sort: $sort, first: $first, after: $after) {{
    edges {{ node {{ ...ConversationFields }} }} {PAGE_INFO}
  }}
}}""", *CONVERSATION_ALL)

CONVERSATION_BY_ID = _doc("""
query Conversation($id: ID!) {
  conversation(id: $id) { ...ConversationFields channel { ...ChannelFields } }
}""", *CONVERSATION_ALL, CHANNEL)

MESSAGES = _doc(f"""
query Messages($conversationId: ID!, $first: Int!, $after: String) {{
  messages(conversationId: $conversationId, first: $first, after: $after) {{
    edges {{ node {{ ...MessageFields }} }} {PAGE_INFO}
  }}
}}""", MESSAGE)

CHANNELS = _doc("""
query Channels($first: Int!) { channels(first: $first) { ...ChannelFields } }""", CHANNEL)

CHANNEL_DIAGNOSTICS = _doc("""
query ChannelDiagnostics($id: ID!) {
  channelDiagnostics(id: $id) { ok channel { ...ChannelFields } checks { name ok message fix } }
}""", CHANNEL)

AGENT_SETTINGS = _doc("""
query AgentSettings($channelId: ID) { agentSettings(channelId: $channelId) { ...LevelsFields } }""",
                      SETTINGS)

AGENT_PREVIEW = _doc("""
query AgentPreview($question: String!, $channelId: ID, $listingTitle: String) {
  agentPreview(question: $question, channelId: $channelId, listingTitle: $listingTitle) {
    outcome reply reason mode model chunks { ...ChunkFields }
    promptTokens completionTokens latencyMs costEstimate
    reasonCode confidence threshold candidates { ...ChunkFields }
  }
}""", CHUNK)

UNANSWERED_QUESTIONS = _doc(f"""
query UnansweredQuestions($state: UnansweredState!, $first: Int!, $after: String) {{
  unansweredQuestions(state: $state, first: $first, after: $after) {{
    edges {{ node {{ ...UnansweredFields }} }} {PAGE_INFO}
  }}
}}""", UNANSWERED)

ANSWER_UNANSWERED = _doc("""
mutation AnswerUnanswered($id: ID!, $answer: String!, $question: String!) {
  answerUnansweredQuestion(id: $id, answer: $answer, question: $question) {
    question { ...UnansweredFields } documentId
  }
}""", UNANSWERED)

DISMISS_UNANSWERED = _doc("""
mutation DismissUnanswered($id: ID!) {
  dismissUnansweredQuestion(id: $id) { ...UnansweredFields }
}""", UNANSWERED)

AGENT_HEALTH = _doc("""
query AgentHealth {
  agentHealth {
    state consecutiveFailures lastError { kind reason at } failingSince lastSuccess lastResultAt
    handedOverLastHour enabled model baseUrlHost failureThreshold windowS
  }
}""")

KNOWLEDGE_DOCUMENTS = _doc(f"""
query KnowledgeDocuments($first: Int!, $after: String) {{
  knowledgeDocuments(first: $first, after: $after) {{
    edges {{ node {{ ...DocumentFields }} }} {PAGE_INFO}
  }}
}}""", DOCUMENT)

SEARCH_KNOWLEDGE = _doc("""
query SearchKnowledge($query: String!, $limit: Int!) {
  searchKnowledge(query: $query, limit: $limit) {
    chunkId documentId documentName kind text question answer score
  }
}""")

SEND_MESSAGE = _doc("""
mutation SendMessage($input: SendMessageInput!) { sendMessage(input: $input) { ...MessageFields } }""",
                    MESSAGE)

UPDATE_CONVERSATION = _doc("""
mutation UpdateConversation($input: UpdateConversationInput!) {
  updateConversation(input: $input) { ...ConversationFields }
}""", *CONVERSATION_ALL)

MARK_READ = _doc("""
mutation MarkRead($conversationId: ID!) {
  markRead(conversationId: $conversationId) { ...ConversationFields }
}""", *CONVERSATION_ALL)

SYNC_CHANNEL = "mutation SyncChannel($id: ID!) { syncChannel(id: $id) }"

DELETE_MESSAGE = _doc("""
mutation DeleteMessage($conversationId: ID!, $messageId: ID!) {
  deleteMessage(conversationId: $conversationId, messageId: $messageId) { ...MessageFields }
}""", MESSAGE)

BLOCK_CONTACT = _doc("""
mutation BlockContact($conversationId: ID!, $reason: BlockReason!) {
  blockContact(conversationId: $conversationId, reason: $reason) { ...ConversationFields }
}""", *CONVERSATION_ALL)

UPDATE_AGENT_SETTINGS = _doc("""
mutation UpdateAgentSettings($input: UpdateAgentSettingsInput!) {
  updateAgentSettings(input: $input) { ...LevelsFields }
}""", SETTINGS)

DELETE_KNOWLEDGE_DOCUMENT = """
mutation DeleteKnowledgeDocument($id: ID!) { deleteKnowledgeDocument(id: $id) }""".strip()

CONVERSATION_EVENTS = _doc("""
subscription ConversationEvents($after: String) {
  conversationEvents(after: $after, announceStart: true) {
    type eventId reason conversation { ...ConversationFields } message { ...MessageFields }
  }
}""", *CONVERSATION_ALL, MESSAGE)

ADD_NOTE = _doc("""
mutation AddNote($conversationId: ID!, $text: String!, $idempotencyKey: String) {
  addNote(conversationId: $conversationId, text: $text, idempotencyKey: $idempotencyKey) {
    ...MessageFields
  }
}""", MESSAGE)

CONNECT_AVITO_CHANNEL = _doc("""
mutation ConnectAvitoChannel($input: ConnectAvitoChannelInput!) {
  connectAvitoChannel(input: $input) { ...ChannelFields }
}""", CHANNEL)

CONNECT_TELEGRAM_CHANNEL = _doc("""
mutation ConnectTelegramChannel($input: ConnectTelegramChannelInput!) {
  connectTelegramChannel(input: $input) { ...ChannelFields }
}""", CHANNEL)

START_AVITO_AUTHORIZATION = """
mutation StartAvitoAuthorization($input: StartAvitoAuthorizationInput!) {
  startAvitoAuthorization(input: $input) { authorizationUrl state expiresAt }
}""".strip()

SET_CHANNEL_WEBHOOK = _doc("""
mutation SetChannelWebhook($id: ID!, $enabled: Boolean, $signingSecret: String) {
  setChannelWebhook(id: $id, enabled: $enabled, signingSecret: $signingSecret) { ...ChannelFields }
}""", CHANNEL)

DISCONNECT_CHANNEL = _doc("""
mutation DisconnectChannel($id: ID!) { disconnectChannel(id: $id) { ...ChannelFields } }""", CHANNEL)

CANNED_REPLY = "fragment CannedReplyFields on CannedReply { id title text shortcut createdAt updatedAt }"

CANNED_REPLIES = _doc("query CannedReplies { cannedReplies { ...CannedReplyFields } }",
                      CANNED_REPLY)

RENDER_CANNED_REPLY = """
query RenderCannedReply($id: ID!, $conversationId: ID!) {
  renderCannedReply(id: $id, conversationId: $conversationId) { text missing unknown }
}"""

CREATE_CANNED_REPLY = _doc("""
mutation CreateCannedReply($title: String!, $text: String!, $shortcut: String) {
  createCannedReply(title: $title, text: $text, shortcut: $shortcut) { ...CannedReplyFields }
}""", CANNED_REPLY)

UPDATE_CANNED_REPLY = _doc("""
mutation UpdateCannedReply($input: UpdateCannedReplyInput!) {
  updateCannedReply(input: $input) { ...CannedReplyFields }
}""", CANNED_REPLY)

DELETE_CANNED_REPLY = "mutation DeleteCannedReply($id: ID!) { deleteCannedReply(id: $id) }"
