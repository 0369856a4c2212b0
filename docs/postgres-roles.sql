-- One PostgreSQL role per facilitator, seeing only their cohorts (row-level security).
-- Run as the role that owns peerkit's tables (it ran the migrations), after `peerkit` has
-- created them:  psql "$PEERKIT_OWNER_URL" -v ON_ERROR_STOP=1 -f docs/postgres-roles.sql
-- Then, per facilitator:
--   CREATE ROLE fac_ana LOGIN PASSWORD '...' IN ROLE peerkit_facilitator;
--   INSERT INTO peerkit_access VALUES ('fac_ana', <cohort id>);
-- The owner is not subject to these policies (it runs migrations, backups and restores).

CREATE ROLE peerkit_facilitator NOLOGIN;
CREATE TABLE peerkit_access (role_name name NOT NULL, cohort_id integer NOT NULL
    REFERENCES cohorts(id) ON DELETE CASCADE, PRIMARY KEY (role_name, cohort_id));

-- The cohorts the connected role may see. SECURITY DEFINER: it reads peerkit_access, which
-- facilitators cannot read themselves.
CREATE FUNCTION peerkit_my_cohorts() RETURNS SETOF integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT cohort_id FROM peerkit_access WHERE role_name = session_user $$;
CREATE FUNCTION peerkit_my_meetings() RETURNS SETOF integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT id FROM meetings WHERE cohort_id IN (SELECT peerkit_my_cohorts()) $$;
CREATE FUNCTION peerkit_my_rounds() RETURNS SETOF integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT id FROM rounds WHERE meeting_id IN (SELECT peerkit_my_meetings()) $$;
CREATE FUNCTION peerkit_my_members() RETURNS SETOF integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT id FROM members WHERE cohort_id IN (SELECT peerkit_my_cohorts()) $$;
CREATE FUNCTION peerkit_my_commitments() RETURNS SETOF integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT id FROM commitments WHERE meeting_id IN (SELECT peerkit_my_meetings()) $$;

DO $$
DECLARE
  rule record;
BEGIN
  FOR rule IN SELECT * FROM (VALUES
      ('cohorts',      'id IN (SELECT peerkit_my_cohorts())'),
      ('members',      'cohort_id IN (SELECT peerkit_my_cohorts())'),
      ('meetings',     'cohort_id IN (SELECT peerkit_my_cohorts())'),
      ('screens',      'cohort_id IN (SELECT peerkit_my_cohorts())'),
      -- Change counters (kept on SQLite only; empty here, where NOTIFY does the job).
      ('cohort_changes', 'cohort_id IN (SELECT peerkit_my_cohorts())'),
      -- Files written (minutes); backups (no cohort) are the owner's only.
      ('exports',      'cohort_id IN (SELECT peerkit_my_cohorts())'),
      ('attendance',   'meeting_id IN (SELECT peerkit_my_meetings())'),
      ('rounds',       'meeting_id IN (SELECT peerkit_my_meetings())'),
      ('parking',      'meeting_id IN (SELECT peerkit_my_meetings())'),
      ('ground_rules', 'meeting_id IN (SELECT peerkit_my_meetings())'),
      ('commitments',  'meeting_id IN (SELECT peerkit_my_meetings())'),
      ('reviews',      'commitment_id IN (SELECT peerkit_my_commitments())'),
      ('advice',       'round_id IN (SELECT peerkit_my_rounds())'),
      ('phase_log',    'round_id IN (SELECT peerkit_my_rounds())'),
      -- What members file from their own pages (peerkit.portal), and their anonymous answers.
      ('member_links', 'member_id IN (SELECT peerkit_my_members())'),
      ('member_updates', 'meeting_id IN (SELECT peerkit_my_meetings())'),
      ('hot_seat_requests', 'meeting_id IN (SELECT peerkit_my_meetings())'),
      ('progress',     'commitment_id IN (SELECT peerkit_my_commitments())'),
      ('polls',        'meeting_id IN (SELECT peerkit_my_meetings())'),
      ('answers',      'meeting_id IN (SELECT peerkit_my_meetings())'),
      ('answered',     'meeting_id IN (SELECT peerkit_my_meetings())')
  ) AS t(name, test)
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', rule.name);
    EXECUTE format('CREATE POLICY facilitator ON %I TO peerkit_facilitator USING (%s) WITH CHECK (%s)',
                   rule.name, rule.test, rule.test);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO peerkit_facilitator', rule.name);
  END LOOP;
END $$;
GRANT SELECT ON alembic_version TO peerkit_facilitator;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO peerkit_facilitator;
-- A facilitator does not create cohorts: the owner does (peerkit init, or peerkit import-roster).
REVOKE INSERT ON cohorts FROM peerkit_facilitator;
