-- Conversation state, one row per conversation, written once per turn.
create table conversations (
  id text primary key,
  channel text not null,
  state jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index conversations_updated_at on conversations (updated_at);

-- The turns of a conversation, kept for the retention period only.
create table turns (
  conversation_id text not null references conversations (id) on delete cascade,
  seq integer not null,
  role text not null check (role in ('user', 'bot')),
  body jsonb not null,
  created_at timestamptz not null default now(),
  primary key (conversation_id, seq)
);
