-- Ranvier SQLite schema, version 23: the two indexes over event_edges that no query reads are dropped. Prev and auth
-- events are read from the event JSON; only edges still waiting for a missing event are looked up (by
-- event_edges_missing). Events are never deleted, so the foreign keys never search event_edges either. Every new event
-- added an entry to each: under the load bench (100 rooms, messages interleaved) the entries for a message's three auth
-- events and its prev event went to four scattered pages of event_edges_by_target, about a third of the pages a commit
-- wrote (docs/benchmarks.md).
DROP INDEX IF EXISTS event_edges_by_event;
DROP INDEX IF EXISTS event_edges_by_target;
