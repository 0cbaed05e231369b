"""The GraphQL schema: the domains' queries, mutations and subscription merged, with limits and
the error policy."""

from __future__ import annotations

from graphql import GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry import Schema
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from gateway.agent.graphql.activity import AgentActivityQuery
from gateway.agent.graphql.agent import AgentMutation, AgentQuery
from gateway.agent.graphql.knowledge import KnowledgeMutation, KnowledgeQuery
from gateway.agent.graphql.synonyms import SynonymMutation, SynonymQuery
from gateway.agent.graphql.unanswered import UnansweredMutation, UnansweredQuery
from gateway.analytics.graphql import AnalyticsQuery
from gateway.analytics.settings_graphql import AnalyticsSettingsMutation, AnalyticsSettingsQuery
from gateway.channels.graphql import ChannelManagementMutation, ChannelMutation, ChannelQuery
from gateway.config import GatewaySettings
from gateway.conversations.graphql.actions import ActionMutation
from gateway.conversations.graphql.canned import CannedReplyMutation, CannedReplyQuery
from gateway.conversations.graphql.inbox import ConversationMutation, ConversationQuery
from gateway.conversations.graphql.notes import NoteMutation
from gateway.conversations.graphql.subscriptions import Subscription
from gateway.exports.graphql import ExportMutation, ExportQuery
from gateway.graphql.errors import ErrorPolicy, code_graphql_errors, log_unexpected
from gateway.graphql.text import StorableText
from gateway.identity.api_keys_graphql import ApiKeyMutation, ApiKeyQuery
from gateway.identity.graphql import (
    TeamMutation,
    TeamQuery,
    TelegramLinkMutation,
    TelegramLinkQuery,
)
from gateway.integrations.graphql import WebhookMutation, WebhookQuery
from gateway.limits.graphql import GraphQLCostLimit
from gateway.plans.graphql import PlanQuery
from gateway.scheduling.graphql import ScheduleMutation, ScheduleQuery
from gateway.telegram.graphql import TelegramBotMutation, TelegramBotQuery

# Size limits, with `first` <= 100 (pagination.page_size) and the depth limit from settings, bound
# the work one document can ask for. Generous for any real inbox query.
MAX_TOKENS = 2000
MAX_ALIASES = 15

Query = merge_types("Query", (ConversationQuery, ChannelQuery, AgentQuery, KnowledgeQuery,
                              TelegramLinkQuery, TelegramBotQuery, ScheduleQuery,
                              AnalyticsQuery, ExportQuery, CannedReplyQuery, TeamQuery,
                              ApiKeyQuery, AnalyticsSettingsQuery, UnansweredQuery,
                              AgentActivityQuery, WebhookQuery, PlanQuery, SynonymQuery))
Mutation = merge_types("Mutation", (ConversationMutation, ChannelMutation, ChannelManagementMutation,
                                    ActionMutation, NoteMutation, AgentMutation, KnowledgeMutation,
                                    TelegramLinkMutation, TelegramBotMutation, ScheduleMutation,
                                    ExportMutation, CannedReplyMutation, TeamMutation,
                                    ApiKeyMutation, AnalyticsSettingsMutation,
                                    UnansweredMutation, WebhookMutation, SynonymMutation))


class SwitchboardSchema(Schema):
    def process_errors(self, errors: list[GraphQLError],
                       execution_context: ExecutionContext | None = None) -> None:
        # strawberry logs every error with a traceback; callers' mistakes are not incidents.
        log_unexpected(errors, execution_context)
        code_graphql_errors(errors)


def build_schema(settings: GatewaySettings) -> Schema:
    # The limiters' rules are made once, so that the same document validated with the same rules
    # is a cache hit: parsing and validating a document cost as much as resolving a page of
    # conversations. (A limiter built per request makes new rule classes every time.)
    rules = [*QueryDepthLimiter(max_depth=settings.graphql_max_depth).validation_rules,
             *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules]
    if not settings.graphql_introspection:  # __typename stays: clients need it
        rules.append(NoSchemaIntrospectionCustomRule)
    return SwitchboardSchema(
        query=Query, mutation=Mutation, subscription=Subscription,
        extensions=[
            lambda: AddValidationRules(rules),
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            # Bounded LRUs (128 documents) of parsed documents and their validation errors.
            ParserCache,
            ValidationCache,
            StorableText,
            GraphQLCostLimit,
            ErrorPolicy,
        ])
