-- zhengce SQLite schema (zhengce --sqlite FILE).  The same tables, with
-- the same columns in the same order, are written as CSV by --csv DIR.
--
-- One row in `documents` per converted notice, keyed by the SHA-256 of its
-- bytes: converting the same notice again replaces its rows (ON DELETE
-- CASCADE removes the old sections and items).  Spans are [start, end)
-- byte offsets into the document's decoded UTF-8 text.

PRAGMA foreign_keys = ON;

CREATE TABLE IF NOT EXISTS documents (
    doc_id        INTEGER PRIMARY KEY,
    sha256        TEXT NOT NULL UNIQUE,
    path          TEXT,
    bytes         INTEGER NOT NULL,
    encoding      TEXT,
    format        TEXT,
    title         TEXT,
    wrapper_title TEXT,
    doc_number    TEXT,
    index_number  TEXT,
    issuer        TEXT,
    issue_date    TEXT,            -- YYYY-MM-DD
    publish_date  TEXT,            -- YYYY-MM-DD
    year          INTEGER,
    recipients    TEXT,            -- JSON array of strings
    n_sections    INTEGER NOT NULL,
    n_warnings    INTEGER NOT NULL,
    error         TEXT             -- NULL unless conversion failed part-way
);

CREATE TABLE IF NOT EXISTS sections (
    doc_id     INTEGER NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    section_id TEXT NOT NULL,      -- dotted path: "2.6"; "0" is the preamble
    parent_id  TEXT,
    level      INTEGER NOT NULL,
    number     INTEGER,
    marker     TEXT,
    style      TEXT,
    heading    TEXT,
    span_start INTEGER NOT NULL,
    span_end   INTEGER NOT NULL,
    text       TEXT,
    PRIMARY KEY (doc_id, section_id)
);

CREATE TABLE IF NOT EXISTS assignments (
    assignment_id INTEGER PRIMARY KEY,
    doc_id        INTEGER NOT NULL,
    section_id    TEXT NOT NULL,
    text          TEXT NOT NULL,
    span_start    INTEGER NOT NULL,
    span_end      INTEGER NOT NULL,
    covers_start  INTEGER,
    covers_end    INTEGER,
    FOREIGN KEY (doc_id, section_id)
        REFERENCES sections(doc_id, section_id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS assignment_units (
    assignment_id INTEGER NOT NULL
        REFERENCES assignments(assignment_id) ON DELETE CASCADE,
    role          TEXT NOT NULL CHECK (role IN ('lead', 'responsible',
                                                'cooperating')),
    position      INTEGER NOT NULL, -- order within its role
    unit          TEXT NOT NULL,
    PRIMARY KEY (assignment_id, role, position)
);

CREATE TABLE IF NOT EXISTS deadlines (
    doc_id      INTEGER NOT NULL,
    section_id  TEXT NOT NULL,
    text        TEXT NOT NULL,
    kind        TEXT,               -- by, within, recurring, period, from
    date        TEXT,               -- last allowed day, YYYY-MM-DD
    date_from   TEXT,
    amount      REAL,
    amount_unit TEXT,
    span_start  INTEGER NOT NULL,
    span_end    INTEGER NOT NULL,
    FOREIGN KEY (doc_id, section_id)
        REFERENCES sections(doc_id, section_id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS targets (
    doc_id     INTEGER NOT NULL,
    section_id TEXT NOT NULL,
    text       TEXT NOT NULL,
    value      REAL,
    value_max  REAL,
    unit       TEXT,                -- % or pp
    op         TEXT,                -- >=, <=, =, ~
    metric     TEXT,
    kind       TEXT,                -- target, achieved, change
    span_start INTEGER NOT NULL,
    span_end   INTEGER NOT NULL,
    FOREIGN KEY (doc_id, section_id)
        REFERENCES sections(doc_id, section_id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS quantities (
    doc_id     INTEGER NOT NULL,
    section_id TEXT NOT NULL,
    text       TEXT NOT NULL,
    value      REAL,
    unit       TEXT,
    op         TEXT,
    span_start INTEGER NOT NULL,
    span_end   INTEGER NOT NULL,
    FOREIGN KEY (doc_id, section_id)
        REFERENCES sections(doc_id, section_id) ON DELETE CASCADE
);

CREATE INDEX IF NOT EXISTS assignments_doc ON assignments(doc_id, section_id);
CREATE INDEX IF NOT EXISTS assignment_units_unit ON assignment_units(unit, role);
CREATE INDEX IF NOT EXISTS deadlines_doc ON deadlines(doc_id, section_id);
CREATE INDEX IF NOT EXISTS deadlines_date ON deadlines(date);
CREATE INDEX IF NOT EXISTS targets_doc ON targets(doc_id, section_id);
CREATE INDEX IF NOT EXISTS targets_metric ON targets(metric);
CREATE INDEX IF NOT EXISTS quantities_doc ON quantities(doc_id, section_id);
CREATE INDEX IF NOT EXISTS documents_year ON documents(year);
