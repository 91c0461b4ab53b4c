-- tests/pg/fixtures.sql: the tables of the cases in tests/pg/cases, loaded
-- by tests/pg.sh after the example data.

-- a role whose password the test's ~/.pgpass gets wrong (pg_bad_password)
CREATE ROLE intruder LOGIN PASSWORD 'the-password';

CREATE SCHEMA t;

-- every mapped type, with NULLs, an empty text and "NA" (pg_types); stamp
-- cannot be mapped: read only when the rules use it (pg_bad_type)
CREATE TABLE t.types (
    id int4 PRIMARY KEY, small int2, big int8, num numeric(6, 2), f4 real,
    f8 double precision, txt text, vc varchar(10), ch char(3), visit date,
    flag boolean, stamp timestamp);
INSERT INTO t.types VALUES
    (1, -3, 9007199254740993, 2.50, 0.1, 1e-7, 'a,b "q"', 'x', 'ab', '2020-02-29', true,
     '2020-01-01 10:00'),
    (2, NULL, NULL, NULL, NULL, NULL, '', NULL, NULL, NULL, NULL, NULL),
    (3, 32767, -1, -0.01, 3.5, 123456789.125, 'NA', 'long text', 'abc', '1969-12-31', false,
     NULL);

-- a duplicate key, found by the loader (pg_duplicate_key)
CREATE TABLE t.dups (id int8, x int8);
INSERT INTO t.dups VALUES (1, 10), (2, 20), (1, 30);

-- a query that cancels itself after some rows were sent (pg_cancelled)
CREATE VIEW t.cancelled AS
    SELECT i AS id,
           CASE WHEN i = 30000 THEN pg_cancel_backend(pg_backend_pid()) ELSE false END AS x
    FROM generate_series(1, 1000000) AS i;
