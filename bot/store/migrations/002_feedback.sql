-- "Did this help?" answers, anonymous: no conversation id, only what gap analysis needs.
create table feedback (
  id bigserial primary key,
  language text not null,
  topics text[] not null,
  entry_ids text[] not null,
  municipality text,
  helpful boolean not null,
  created_at timestamptz not null default now()
);
