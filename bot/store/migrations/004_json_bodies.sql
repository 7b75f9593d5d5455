-- Transcript bodies and states are written on every turn and never queried inside:
-- plain json (stored as text, validated) is cheaper to write than jsonb.
alter table turns alter column body type json using body::json;
alter table conversations alter column state type json using state::json;
