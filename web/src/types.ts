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
