-- A credpipe database as schema version 1 wrote it, with a little data:
-- the fixture for the migration test (test/cli/0021-store.t).
-- Load with: sqlite3 FILE < schema-v1.sql
CREATE TABLE org (  id INTEGER PRIMARY KEY,  slug TEXT NOT NULL UNIQUE,  name TEXT NOT NULL,  plan TEXT NOT NULL DEFAULT 'free'    CHECK (plan IN ('free', 'professional', 'enterprise')),  approved INTEGER NOT NULL DEFAULT 0,  quota INTEGER CHECK (quota >= 0),  sender_email TEXT,  sender_name TEXT,  created INTEGER NOT NULL);
CREATE TABLE signing_key (  id INTEGER PRIMARY KEY,  org_id INTEGER NOT NULL REFERENCES org(id),  public_key BLOB NOT NULL CHECK (length(public_key) = 32),  sealed_secret BLOB NOT NULL,  created INTEGER NOT NULL,  active INTEGER NOT NULL DEFAULT 1);
CREATE UNIQUE INDEX signing_key_active ON signing_key(org_id)  WHERE active;
CREATE TABLE badge (  id INTEGER PRIMARY KEY,  org_id INTEGER NOT NULL REFERENCES org(id),  slug TEXT NOT NULL,  name TEXT NOT NULL,  description TEXT NOT NULL DEFAULT '',  criteria TEXT NOT NULL DEFAULT '',  valid_days INTEGER CHECK (valid_days > 0),  subject TEXT NOT NULL,  body TEXT NOT NULL,  created INTEGER NOT NULL,  UNIQUE (org_id, slug));
CREATE TABLE member (  id INTEGER PRIMARY KEY,  org_id INTEGER NOT NULL REFERENCES org(id),  email TEXT NOT NULL,  role TEXT NOT NULL    CHECK (role IN ('viewer', 'issuer', 'admin', 'owner')),  created INTEGER NOT NULL,  removed INTEGER);
CREATE UNIQUE INDEX member_email ON member(org_id, email)  WHERE removed IS NULL;
CREATE TABLE api_key (  id INTEGER PRIMARY KEY,  prefix TEXT NOT NULL UNIQUE,  hash BLOB NOT NULL CHECK (length(hash) = 32),  member_id INTEGER NOT NULL REFERENCES member(id),  created INTEGER NOT NULL,  last_used INTEGER,  revoked INTEGER,  rate INTEGER NOT NULL DEFAULT 10 CHECK (rate >= 0));
CREATE TABLE audit (  id INTEGER PRIMARY KEY,  at INTEGER NOT NULL,  actor TEXT NOT NULL,  org_id INTEGER REFERENCES org(id),  action TEXT NOT NULL,  detail TEXT NOT NULL DEFAULT '');
INSERT INTO org (slug, name, plan, approved, created) VALUES ('old', 'Old Org', 'professional', 1, 1700000000);
INSERT INTO member (org_id, email, role, created) VALUES (1, 'owner@old.example', 'owner', 1700000000);
INSERT INTO audit (at, actor, org_id, action, detail) VALUES (1700000000, 'root', 1, 'org create', 'slug=old');
PRAGMA application_id = 1129464912;
PRAGMA user_version = 1;
