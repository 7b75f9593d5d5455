-- Data protection. What a record keeps for statistics once its content is gone (topics, case
-- type, town), a person's request to delete it, and when it was anonymised.
alter table handovers add column topics text[] not null default '{}';
alter table handovers add column case_type text;
alter table handovers add column municipality text;
alter table handovers add column deletion_requested_at timestamptz;
alter table handovers add column anonymised_at timestamptz;
update handovers set
  topics = array(select jsonb_array_elements_text(record->'topics')),
  case_type = record->'caseType'->>'type',
  municipality = record->'municipality'->>'id'
where record is not null;

-- The daily retention sweep reads only what is due, through these partial indexes.
create index handovers_closed_pending on handovers (closed_at) where anonymised_at is null and closed_at is not null;
create index handovers_deletion_pending on handovers (deletion_requested_at) where anonymised_at is null and deletion_requested_at is not null;
create index handovers_transcripts on handovers (created_at) where record ? 'transcript'
