-- Warm handovers: the intake record a person agreed to send, routed to one team.
create table handovers (
  id uuid primary key,
  reference text not null unique,
  conversation_id text,
  channel text not null,
  language text not null,
  team_id text not null,
  assignee text,
  claimed_by text,
  urgency text not null check (urgency in ('urgent', 'deadline', 'normal')),
  status text not null default 'new' check (status in ('new', 'claimed', 'contacted', 'closed', 'withdrawn')),
  outcome text check (outcome in ('referred', 'accompanied', 'case-management', 'not-reached')),
  record jsonb,
  expected_contact_by timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  closed_at timestamptz
);
create index handovers_team on handovers (team_id, status);
create index handovers_conversation on handovers (conversation_id);

create table handover_notes (
  id bigserial primary key,
  handover_id uuid not null references handovers (id) on delete cascade,
  author text not null,
  body text not null,
  created_at timestamptz not null default now()
);

-- Every view and change in the inbox, kept even when a record is deleted.
create table audit_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor text not null,
  action text not null,
  handover_id uuid,
  detail jsonb not null default '{}'
);
create index audit_log_handover on audit_log (handover_id);

-- Inbox accounts; created with the CLI (npm run account), never with default passwords.
create table accounts (
  username text primary key,
  password_hash text not null,
  staff_id text not null,
  role text not null check (role in ('case-manager', 'coordinator', 'admin')),
  team_id text,
  disabled boolean not null default false,
  created_at timestamptz not null default now()
);

-- Sessions: only a hash of the cookie's token is stored.
create table sessions (
  token_hash text primary key,
  username text not null references accounts (username) on delete cascade,
  csrf text not null,
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
);

-- Deliveries (team webhooks, Teams cards, proactive messages), written in the handover's
-- transaction and retried until delivered, so nothing is lost; the id makes them idempotent.
create table outbox (
  id uuid primary key,
  handover_id uuid references handovers (id) on delete cascade,
  kind text not null,
  target text not null,
  payload jsonb not null,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  delivered_at timestamptz,
  last_error text,
  created_at timestamptz not null default now()
);
create index outbox_due on outbox (next_attempt_at) where delivered_at is null;
