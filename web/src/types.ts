// The public API's shapes (REST, see /openapi.json), as far as the web inbox reads them.

export type Mode = "bot" | "manager";
export type Status = "open" | "pending" | "snoozed" | "resolved";
export type Sort = "recent" | "price" | "price_desc";

export interface Page {
  next_cursor: string | null;
  has_more: boolean;
}

export interface Listing {
  external_id: string;
  title: string;
  price_minor: number | null;
  url: string;
  image_url: string;
}

export interface Conversation {
  id: string;
  channel_id: string;
  channel: string;
  contact: { id: string; external_user_id: string; name: string; phone: string };
  status: Status;
  mode: Mode;
  assignee_user_id: string | null;
  pinned: boolean;
  labels: string[];
  unread_count: number;
  last_message_at: string | null;
  last_message_preview: string;
  listing: Listing | null;
  snoozed_until?: string | null;
  handoff?: { requested_at: string | null; reason: string; kind: string } | null;
}

export interface Attachment {
  kind: string;
  url: string;
  external_id: string;
  title: string;
  mime_type: string;
  transcript: string;
}

export interface Message {
  id: string;
  conversation_id: string;
  direction: "inbound" | "outbound";
  sender: string; // contact, user, agent, channel_app
  sender_user_id: string | null;
  content_type: string;
  text: string;
  attachments: Attachment[];
  status: string; // received, pending, sent, failed
  failure_reason: string | null;
  quoted_message_id?: string | null;
  historical?: boolean;
  sent_at: string | null;
  created_at: string | null;
}

export interface Me {
  tenant_id: string;
  user_id: string | null;
  kind: string;
  role: string | null;
  scopes: string[];
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: string;
  active: boolean;
}

export interface CannedReply {
  id: string;
  title: string;
  text: string;
  shortcut: string | null;
}

export interface Channel {
  id: string;
  kind: string;
  name: string;
  status: string;
  external_account_id: string;
  external_account_name: string;
  webhook_url: string;
  webhook_enabled: boolean;
  webhook_subscribed: boolean;
  last_webhook_at: string | null;
  last_sync_at: string | null;
  token_checked_at: string | null;
  token_refused_since: string | null;
  token_error: string;
}

export interface DiagnosticCheck {
  name: string;
  ok: boolean;
  message: string;
  fix: string;
}

/** One frame of GET /v1/events: `type` is the SSE event name. */
export interface LiveEvent {
  id: string;
  type: string;
  conversation: Conversation;
  message: Message | null;
}

// Reports and schedules (gateway/analytics, gateway/scheduling).

export type Relative = "yesterday" | "today_so_far" | "last_7_days" | "last_30_days" |
  "previous_week" | "previous_month" | "month_to_date";

/** POST /v1/analytics/reports's body, and a schedule's report. */
export interface ReportSpec {
  channel_ids: string[]; // empty: every account
  combined: boolean;
  metrics: string[]; // empty: the defaults
  relative: Relative | null;
  from_date?: string | null; // or explicit local dates (the API's; this screen keeps them)
  to_date?: string | null;
  time_zone: string;
}

export interface MetricInfo {
  key: string;
  title: string; // Russian, from the service
  unit: string; // count, seconds, rub
  source: string; // inbox, avito
  default: boolean;
}

export interface ReportDuration { median_s: number; p90_s: number; samples: number }
/** A metric's raw value: a count or kopecks, a duration, or null (not fetched, nothing measured). */
export type ReportValue = number | ReportDuration | null;

export interface ReportSection {
  title: string;
  channel_ids: string[];
  values: Record<string, ReportValue>;
}

export interface ReportDoc {
  period: { from_date: string; to_date: string };
  time_zone: string;
  metrics: string[];
  partial: boolean;
  problems: string[];
  sections: ReportSection[];
}

export type RuleKind = "daily" | "every_n_days" | "weekly" | "monthly";
export type MissedRunPolicy = "fire_once_late" | "skip";

export interface Recurrence {
  kind: RuleKind;
  n?: number | null;
  start_date?: string | null;
  weekdays?: number[] | null; // 1 = Monday ... 7 = Sunday
  day_of_month?: number | null;
}

export interface ScheduleDestination {
  kind: "telegram" | "webhook";
  chat_id?: number | null;
  message_thread_id?: number | null;
  url?: string | null;
  secret?: string; // write-only
  secret_set?: boolean | null;
}

export interface ScheduleRun {
  id: string;
  schedule_id: string;
  trigger: "scheduled" | "manual" | "unknown";
  status: "pending" | "delivered" | "failed" | "skipped" | "unknown";
  error: string;
  scheduled_for: string | null;
  started_at: string | null;
  finished_at: string | null;
  attempt: number;
  late: boolean;
  partial: boolean;
}

/** POST /v1/schedules's body (PATCH takes the same fields). */
export interface ScheduleBody {
  name: string;
  recurrence: Recurrence;
  local_time: string;
  time_zone: string;
  destination: ScheduleDestination;
  report: ReportSpec;
  missed_run_policy: MissedRunPolicy;
  enabled: boolean;
}

export interface Schedule extends ScheduleBody {
  id: string;
  next_run_at: string | null;
  last_run: ScheduleRun | null;
}

export interface TelegramBot {
  id: string;
  username: string;
  group: { chat_id: number; title: string } | null;
}

/** An outgoing webhook endpoint (/v1/webhooks/endpoints). */
export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  event_types: string[]; // none: every event
  enabled: boolean;
  state: "active" | "paused" | "disabled" | "unknown";
  consecutive_failures: number;
  paused_reason: string | null;
  paused_at: string | null;
  breaker_probe_at: string | null;
  last_success_at: string | null;
  retry_window_s: number;
  created_at: string | null;
  updated_at: string | null;
}

/** Create's and rotate-secret's answer: the only time the signing secret is shown. */
export interface WebhookEndpointWithSecret extends WebhookEndpoint {
  secret: string;
}

export type DeliveryStatus = "pending" | "delivered" | "failed" | "unknown";

export interface WebhookDelivery {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  conversation_id: string | null;
  status: DeliveryStatus;
  attempts: number;
  last_response_status: number | null;
  last_latency_ms: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  delivered_at: string | null;
  created_at: string | null;
  event_occurred_at: string | null;
  replay_of: string | null;
}

export interface WebhookAttempt {
  number: number;
  started_at: string | null;
  response_status: number | null;
  latency_ms: number;
  error: string | null;
  response_body: string;
}

export interface WebhookDeliveryDetail extends WebhookDelivery {
  attempt_log: WebhookAttempt[];
  payload: unknown;
}
