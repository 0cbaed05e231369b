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
