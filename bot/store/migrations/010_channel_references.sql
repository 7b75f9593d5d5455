-- Where to send proactive messages for conversations through Azure Bot Service: the Bot
-- Framework ConversationReference (service URL, conversation, bot and user ids), as JSON.
create table channel_references (
  conversation_id text primary key references conversations (id) on delete cascade,
  reference jsonb not null,
  updated_at timestamptz not null default now()
);
