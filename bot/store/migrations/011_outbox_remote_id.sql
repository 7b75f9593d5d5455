-- What the receiving side calls a delivery (the activity id of a Teams card), so that a later
-- change of the record updates the card in place instead of posting another one.
alter table outbox add column remote_id text;
