#!/usr/bin/env python3
"""difftest.py: differential testing of cohort's two engines (as ehrQL's
generative tests do across its query engines).

Random small cohorts (patients, courses, drugs: missing values, the empty
text and NA, tied dates, rows in random physical order) are loaded into
PostgreSQL, and random valid rules over them (lets of every type,
quantifiers with where and nesting, windows with open and closed ends,
three-valued logic, missing, coalesce, first/last ties, endpoints with a
competing event) are exported twice from the same tables: by the in-memory
engine (`cohort export`) and in the database (`cohort export --in-database`).
Any difference in the exported dataset or the exit status is a failure; the
failing program is minimised (statements, then sub-expressions replaced by
simpler ones while the difference stays) and written to --keep DIR.

Usage: difftest.py --cohort BIN --programs N [--seed S] [--keep DIR]
       difftest.py --cohort BIN --replay DIR...   (kept regression cases)
Needs PGHOST/PGPORT/PGUSER/PGDATABASE (and a password file) of a server
where it may create schemas (tests/pg.sh provides one).  Python stdlib only.
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile

PSQL = os.environ.get("PSQL", "psql")

# ---- data -------------------------------------------------------------------

TABLES = {
    "patients": [("patient_id", "bigint"), ("birth_date", "date"), ("sex", "text"), ("score", "integer"),
                 ("weight", "numeric"), ("smoker", "boolean"), ("death_date", "date"), ("last_fu", "date")],
    "courses": [("course_id", "bigint"), ("patient_id", "bigint"), ("start_date", "date"), ("dose", "float8"),
                ("fractions", "integer"), ("technique", "text")],
    "drugs": [("patient_id", "bigint"), ("agent", "text"), ("start_date", "date"), ("end_date", "date"),
              ("amount", "numeric"), ("concept_id", "bigint")],
    "concept_ancestor": [("ancestor_concept_id", "bigint"), ("descendant_concept_id", "bigint")],
}


def day(rng, lo=0, hi=120):
    d = rng.randint(lo, hi)
    y, m, dd = 2020, 1, 1
    import datetime
    return (datetime.date(y, m, dd) + datetime.timedelta(days=d)).isoformat()


def maybe(rng, v, p=0.15):
    return None if rng.random() < p else v


def text_cell(rng, choices):
    r = rng.random()
    if r < 0.08:
        return None          # NULL
    if r < 0.12:
        return '""'          # the empty text (missing for cohort)
    if r < 0.16:
        return "NA"          # the default missing marker
    return rng.choice(choices)


def gen_data(rng):
    npat = rng.randint(3, 12)
    pats, courses, drugs = [], [], []
    cid = 100
    for p in range(1, npat + 1):
        birth = day(rng, -20000, -8000)
        death = maybe(rng, day(rng, 30, 400), 0.6)
        pats.append([p, birth, text_cell(rng, ["F", "M", "X"]), maybe(rng, rng.randint(-3, 12)),
                     maybe(rng, rng.choice(["50.25", "61.5", "70", "0.1", "88.125"])),
                     maybe(rng, rng.choice(["true", "false"])), death, maybe(rng, day(rng, 100, 500), 0.1)])
        for _ in range(rng.randint(0, 3)):
            cid += 1
            courses.append([cid, p, maybe(rng, day(rng, 0, 200), 0.1), maybe(rng, rng.choice(["18", "20.5", "24", "9.75"])),
                            maybe(rng, rng.randint(1, 5)), text_cell(rng, ["SRS", "FSRT"])])
        for _ in range(rng.randint(0, 4)):
            s = maybe(rng, day(rng, 0, 200), 0.1)
            # ends before starts now and then (an era takes them to end on the start day)
            drugs.append([p, text_cell(rng, ["A", "B", "C"]), s, maybe(rng, day(rng, 0, 300), 0.3),
                          maybe(rng, rng.choice(["1", "2.5", "0.333", "10"])), maybe(rng, rng.randint(1, 9))])
    # a small vocabulary: concepts 1..9, each its own ancestor, a few links
    anc = [[c, c] for c in range(1, 10)]
    for _ in range(rng.randint(0, 8)):
        anc.append([maybe(rng, rng.randint(1, 9), 0.05), maybe(rng, rng.randint(1, 9), 0.05)])
    # physical order different from key order
    for rows in (pats, courses, drugs, anc):
        rng.shuffle(rows)
    return {"patients": pats, "courses": courses, "drugs": drugs, "concept_ancestor": anc}


def csv_cell(v):
    if v is None:
        return ""
    return str(v)


def write_data(data, folder):
    os.makedirs(folder, exist_ok=True)
    for t, rows in data.items():
        with open(os.path.join(folder, t + ".csv"), "w") as f:
            f.write(",".join(c for c, _ in TABLES[t]) + "\n")
            for r in rows:
                f.write(",".join(csv_cell(v) for v in r) + "\n")


def read_data(folder):
    data = {}
    for t in TABLES:
        with open(os.path.join(folder, t + ".csv")) as f:
            lines = f.read().splitlines()[1:]
        data[t] = [l.split(",") for l in lines]
    return data


def psql(sql):
    r = subprocess.run([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1"], input=sql, text=True,
                       capture_output=True)
    if r.returncode:
        raise RuntimeError("psql: " + r.stderr)


def load(schema, folder):
    sql = ["DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s;" % (schema, schema)]
    for t, cols in TABLES.items():
        sql.append("CREATE TABLE %s.%s (%s);" % (schema, t, ", ".join("%s %s" % c for c in cols)))
        # a kept case from before a table or column was added has its own header
        path = os.path.join(folder, t + ".csv")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            header = f.readline().strip()
        sql.append("\\copy %s.%s (%s) FROM '%s' WITH (FORMAT csv, HEADER true)" % (schema, t, header, path))
        if t != "concept_ancestor":
            sql.append("CREATE INDEX ON %s.%s (patient_id);" % (schema, t))
    psql("\n".join(sql) + "\n")


# ---- rules --------------------------------------------------------------------

COLS = {  # table -> type -> columns
    "patients": {"date": ["birth_date", "death_date", "last_fu"], "text": ["sex"], "int": ["score"],
                 "real": ["weight"], "bool": ["smoker"]},
    "courses": {"date": ["start_date"], "text": ["technique"], "int": ["fractions", "course_id"],
                "real": ["dose"], "bool": []},
    "drugs": {"date": ["start_date", "end_date"], "text": ["agent"], "int": ["concept_id"], "real": ["amount"],
              "bool": []},
    # the era of the program, when it has one (Gen.era_by: with its by column)
    "eras": {"date": ["start_date", "end_date"], "text": [], "int": ["n"], "real": [], "bool": []},
}
TEXTS = {"sex": ["F", "M", "X", "Z"], "technique": ["SRS", "FSRT"], "agent": ["A", "B", "C"]}
CHILDREN = {"patients": ["courses", "drugs"], "courses": []}


class Gen:
    def __init__(self, rng, unit):
        self.rng = rng
        self.unit = unit
        self.vars = []        # (name, table)
        self.lets = []        # (name, type)
        self.nvar = 0
        self.era = False      # an era table `eras` of drugs
        self.concepts = []    # concept set names
        self.included = False # included() may be used (in lets, not criteria)
        self.era_by = False

    def pick(self, xs):
        return self.rng.choice(xs)

    def chance(self, p):
        return self.rng.random() < p

    # columns reachable here of type ty: the unit's, the patient's, the row variables'
    def columns(self, ty):
        out = []
        for c in COLS[self.unit][ty]:
            out.append(c)
        if self.unit == "courses":
            out += ["patient." + c for c in COLS["patients"][ty]]
        for v, t in self.vars:
            out += ["%s.%s" % (v, c) for c in COLS[t][ty]]
            if t == "eras" and ty == "text" and self.era_by:
                out.append("%s.agent" % v)
            if t != "patients" and self.chance(0.3):
                out += ["%s.patient.%s" % (v, c) for c in COLS["patients"][ty]]
        out += [n for n, t in self.lets if t == ty]
        return out

    def text_of(self, col):
        return TEXTS.get(col.split(".")[-1], ["A", "F"])

    def quant_tables(self):
        # tables a quantifier can range over from here
        ts = ["courses", "drugs"]
        if self.era:
            ts.append("eras")
        return ts

    def quant(self, kind, d, body):
        t = self.pick(self.quant_tables())
        if len(self.vars) >= 2:
            t = "drugs"
        if t == "eras" and any(vt == "eras" for _, vt in self.vars):
            t = "drugs"
        self.nvar += 1
        v = "%s%d" % (t[0], self.nvar)
        self.vars.append((v, t))
        where = " where " + self.bool(d - 1) if self.chance(0.4) else ""
        b = body(d - 1) if body else ""
        self.vars.pop()
        src = t if self.chance(0.8) or self.unit == "patients" else "patient." + t
        s = "%s %s %s%s" % (kind, src, v, where)
        return "(" + s + (": " + b if body else "") + ")"

    def col_or(self, ty, d, fallback):
        if self.chance(0.07):
            return "missing"     # the literal: every operator meets a missing operand
        cs = self.columns(ty)
        if cs and (d <= 0 or self.chance(0.45)):
            return self.pick(cs)
        return fallback(d)

    # each returns text of an expression of that type
    def bool(self, d):
        if d <= 0:
            cs = self.columns("bool")
            r = self.rng.random()
            if cs and r < 0.3:
                return self.pick(cs)
            if r < 0.4:
                return self.pick(["true", "false"])
            if r < 0.7:
                return "missing(%s)" % self.any_scalar(0)
            return "(%s %s %s)" % (self.num(0), self.pick(["<", "<=", "==", "!=", ">", ">="]), self.num(0))
        k = self.rng.randint(0, 19)
        if k == 0: return "(%s and %s)" % (self.bool(d - 1), self.bool(d - 1))
        if k == 1: return "(%s or %s)" % (self.bool(d - 1), self.bool(d - 1))
        if k == 2: return "(not %s)" % self.bool(d - 1)
        if k == 3:
            return "(%s %s %s)" % (self.num(d - 1), self.pick(["<", "<=", "==", "!=", ">", ">="]), self.num(d - 1))
        if k == 4:
            return "(%s %s %s)" % (self.date(d - 1), self.pick(["<", "<=", "==", "!=", ">", ">="]), self.date(d - 1))
        if k == 5:
            cs = self.columns("text")
            if cs:
                c = self.pick(cs)
                return "(%s %s %s)" % (c, self.pick(["==", "!=", "<", ">="]), '"%s"' % self.pick(self.text_of(c)))
            return self.bool(d - 1)
        if k == 6:
            cs = self.columns("text")
            if cs:
                c = self.pick(cs)
                items = ['"%s"' % x for x in self.rng.sample(self.text_of(c), self.rng.randint(1, 2))]
                if self.chance(0.2):
                    items.append("missing")
                return "(%s in [%s])" % (c, ", ".join(items))
            return "(%s in [1, 2, missing])" % self.int(d - 1)
        if k == 7: return "(%s between %s and %s)" % (self.num(d - 1), self.num(d - 1), self.num(d - 1))
        if k == 8: return "(%s within %s of %s)" % (self.date(d - 1), self.dur(d - 1), self.date(d - 1))
        if k == 9:
            o = self.pick(["[", "("]) ; c = self.pick(["]", ")"])
            return "(%s within %s%s, %s%s of %s)" % (self.date(d - 1), o, self.dur(d - 1), self.dur(d - 1), c,
                                                   self.date(d - 1))
        if k == 10: return "(%s %s %s)" % (self.date(d - 1), self.pick(["before", "after"]), self.date(d - 1))
        if k == 11: return "missing(%s)" % self.any_scalar(d - 1)
        if k in (12, 13): return self.quant(self.pick(["any", "all"]), d, self.bool)
        if k == 14:
            a = "[%s, %s%s" % (self.date(d - 1), self.date(d - 1), self.pick(["]", ")"]))
            b = self.pick(["[", "("]) + "%s, %s]" % (self.date(d - 1), self.date(d - 1))
            rel = self.pick(["overlaps", "during", "meets", "before", "after"])
            if self.chance(0.3):
                a = self.date(d - 1)
            return "(%s %s %s)" % (a, rel, b)
        if k == 15:
            return "(case when %s then %s else %s end)" % (self.bool(d - 1), self.bool(d - 1), self.bool(d - 1))
        if k == 16: return "coalesce(%s, %s)" % (self.bool(d - 1), self.bool(d - 1))
        if k == 17 and self.concepts:
            cs = self.columns("int")
            c = self.pick([x for x in cs if x.endswith("concept_id")] or cs or ["1"])
            return "(%s in %s)" % (c, self.pick(self.concepts))
        if k == 18 and self.included:
            rows = [v for v, t in self.vars if t == self.unit] + [self.unit]
            return "included(%s)" % self.pick(rows)
        return self.bool(0)

    def num(self, d):
        return self.int(d) if self.chance(0.5) else self.real(d)

    def int(self, d):
        def more(dd):
            k = self.rng.randint(0, 8)
            if k == 0: return self.quant("count", dd, None) if self.chance(0.5) else self.quant("count", dd, self.bool)
            if k == 1: return "(%s %s %s)" % (self.int(dd - 1), self.pick(["+", "-", "*"]), self.int(dd - 1))
            if k == 2: return "abs(%s)" % self.int(dd - 1)
            if k == 3: return "coalesce(%s, %s)" % (self.int(dd - 1), self.int(dd - 1))
            if k == 4: return "(case when %s then %s end)" % (self.bool(dd - 1), self.int(dd - 1))
            if k == 5: return self.quant(self.pick(["sum", "min", "max"]), dd, self.int)
            if k == 6: return "(-%s)" % self.int(dd - 1)
            return str(self.rng.randint(0, 9))
        return self.col_or("int", d, more if d > 0 else lambda dd: str(self.rng.randint(0, 9)))

    def real(self, d):
        def more(dd):
            k = self.rng.randint(0, 9)
            if k == 0: return "(%s / %s)" % (self.num(dd - 1), self.num(dd - 1))
            if k == 1: return "(%s %s %s)" % (self.real(dd - 1), self.pick(["+", "-", "*"]), self.num(dd - 1))
            if k == 2: return self.quant(self.pick(["sum", "min", "max", "first", "last"]), dd, self.real)
            if k == 3: return "round(%s, %d)" % (self.real(dd - 1), self.rng.randint(0, 2))
            if k == 4: return "%s(%s)" % (self.pick(["floor", "ceil", "sqrt", "log", "abs"]), self.real(dd - 1))
            if k == 5: return "((%s) / 1 day)" % self.dur(dd - 1)
            if k == 6: return "least(%s, %s)" % (self.real(dd - 1), self.real(dd - 1))
            return self.pick(["0.5", "1.25", "2.0", "0.1"])
        return self.col_or("real", d, more if d > 0 else lambda dd: self.pick(["0.5", "1.25", "3.0"]))

    def date(self, d):
        def more(dd):
            k = self.rng.randint(0, 8)
            if k == 0: return self.quant(self.pick(["first", "last", "min", "max"]), dd, self.date)
            if k == 1: return "(%s %s %s)" % (self.date(dd - 1), self.pick(["+", "-"]), self.dur(dd - 1))
            if k == 2:
                return "%s(%s, %s)" % (self.pick(["first_of", "last_of", "least", "greatest", "coalesce"]),
                                       self.date(dd - 1), self.date(dd - 1))
            if k == 3: return "add_months(%s, %d)" % (self.date(dd - 1), self.rng.randint(-3, 3))
            if k == 4: return "(case when %s then %s else %s end)" % (self.bool(dd - 1), self.date(dd - 1), self.date(dd - 1))
            return "2020-0%d-%02d" % (self.rng.randint(1, 6), self.rng.randint(1, 28))
        return self.col_or("date", d, more if d > 0 else lambda dd: "2020-03-01")

    def dur(self, d):
        k = self.rng.randint(0, 5)
        if d > 0 and k == 0: return "(%s - %s)" % (self.date(d - 1), self.date(d - 1))
        if d > 0 and k == 1: return "(%s * %s)" % (self.dur(d - 1), self.num(d - 1))
        if d > 0 and k == 2: return "(%s + %s)" % (self.dur(d - 1), self.dur(d - 1))
        n = self.rng.randint(-2, 30) if self.chance(0.3) else self.rng.randint(0, 4)
        u = self.pick(["days", "weeks", "months", "years", "days"])
        if n < 0:
            return "(-%d %s)" % (-n, u)
        return "%d %s" % (n, u)

    def text(self, d):
        def more(dd):
            k = self.rng.randint(0, 5)
            if k == 0: return self.quant(self.pick(["first", "last", "min", "max"]), dd, self.text)
            if k == 1: return "coalesce(%s, %s)" % (self.text(dd - 1), self.text(dd - 1))
            if k == 2: return "(case when %s then %s end)" % (self.bool(dd - 1), self.text(dd - 1))
            return '"%s"' % self.pick(["A", "F", "SRS"])
        return self.col_or("text", d, more if d > 0 else lambda dd: '"B"')

    def any_scalar(self, d):
        return getattr(self, self.pick(["int", "real", "date", "text", "bool"]))(d)


def gen_rules(rng, schema):
    unit = rng.choice(["courses", "courses", "patients"])
    g = Gen(rng, unit)
    lines = ['study "difftest";',
             'data postgres "" {',
             '  table patients from "%s.patients" key patient_id;' % schema,
             '  table courses from "%s.courses" key course_id in patients;' % schema,
             '  table drugs from "%s.drugs" in patients order by start_date;' % schema,
             '  table concept_ancestor from "%s.concept_ancestor";' % schema,
             '}',
             'unit %s;' % unit]
    stmts = []
    # concept sets: descendants, lists, earlier sets, + and -
    for i in range(rng.randint(0, 2)):
        forms = ["descendants(%s)" % ", ".join(str(rng.randint(1, 9)) for _ in range(rng.randint(1, 2))),
                 "[%s]" % ", ".join(str(rng.randint(1, 9)) for _ in range(rng.randint(1, 3)))]
        if g.concepts:
            forms.append(rng.choice(g.concepts))
        e = rng.choice(forms)
        if rng.random() < 0.4:
            e = "%s %s %s" % (e, rng.choice(["+", "-"]), rng.choice(forms))
        stmts.append("concepts cs%d = %s;" % (i, e))
        g.concepts.append("cs%d" % i)
    # an era of drugs: merged by a random gap, maybe per agent, maybe only some rows
    g.era_by = False
    if rng.random() < 0.4:
        g.era = True
        # the condition reads only the row d
        conds = ['d.agent in ["A", "B"]', "d.amount > 1", "missing(d.end_date)", "d.start_date >= 2020-02-01",
                 "not (d.agent == \"C\")"] + ["d.concept_id in %s" % c for c in g.concepts]
        where = " where %s" % rng.choice(conds) if rng.random() < 0.5 else ""
        g.era_by = rng.random() < 0.5
        stmts.append("era eras from drugs d%s start d.start_date end d.end_date gap %s%s;" %
                     (where, rng.choice(["0 days", "1 day", "7 days", "30 days", "1 month"]),
                      " by d.agent" if g.era_by else ""))
    for i in range(rng.randint(1, 6)):
        ty = rng.choice(["bool", "int", "real", "date", "dur", "text"])
        e = getattr(g, ty)(rng.randint(1, 3))
        name = "v%d" % i
        stmts.append("let %s = %s;" % (name, e))
        if ty != "dur":
            g.lets.append((name, ty))
    crit = []
    for i in range(rng.randint(0, 2)):
        crit.append('%s "c%d": %s;' % (rng.choice(["include", "exclude"]), i, g.bool(rng.randint(1, 3))))
    # included(): in lets after the criteria (a criterion cannot read the set it makes)
    g.included = rng.random() < 0.3
    for i in range(rng.randint(1, 2) if g.included else 0):
        inc = "included(%s)" % unit
        if unit == "courses" and rng.random() < 0.6:
            q = rng.choice(["any", "all", "count"])
            inc = "(%s patient.courses c8: included(c8)%s)" % (q, "" if q == "count" else " or c8.dose > 20")
            if q == "count":
                inc = "(%s > 1)" % inc
        if unit == "patients" and rng.random() < 0.5:
            inc = "(any courses c9: included(patient))"
        stmts.append("let w%d = %s;" % (i, inc if rng.random() < 0.5 else "(%s %s %s)" %
                                        (inc, rng.choice(["and", "or"]), g.bool(rng.randint(0, 2)))))
    g.included = False
    stmts += crit
    origin = "start_date" if unit == "courses" else "(first courses c0: c0.start_date)"
    censor = "patient.last_fu" if unit == "courses" else "last_fu"
    stmts.append("endpoint ep { origin %s; event %s; competing %s as \"other\"; censor %s; }" %
                 (origin, g.date(rng.randint(1, 2)), g.date(rng.randint(0, 2)), censor))
    if rng.random() < 0.5:
        stmts.append("let t = ep.time / 1 day;")
    return lines, stmts


def program_text(head, stmts):
    return "\n".join(head + stmts) + "\n"


# ---- running ------------------------------------------------------------------

def run_both(cohort, rules_path, work):
    outs = []
    for opt in ([], ["--in-database"]):
        out = os.path.join(work, "db.csv" if opt else "mem.csv")
        if os.path.exists(out):
            os.unlink(out)
        r = subprocess.run([cohort, "export", rules_path, "-o", out] + opt, capture_output=True, text=True,
                           cwd=work, timeout=120)
        body = open(out).read() if os.path.exists(out) else None
        outs.append((r.returncode, body, r.stderr))
    return outs


def differs(outs):
    (s1, b1, e1), (s2, b2, e2) = outs
    return s1 != s2 or b1 != b2


def check_program(cohort, head, stmts, work):
    path = os.path.join(work, "t.rules")
    with open(path, "w") as f:
        f.write(program_text(head, stmts))
    return run_both(cohort, path, work)


def shrink_expr_candidates(s):
    """simpler versions of a statement: each parenthesised sub-expression of
    it replaced by `missing`, true, 0 or its first operand"""
    out = []
    depth = 0
    starts = []
    spans = []
    for i, ch in enumerate(s):
        if ch == "(":
            starts.append(i)
        elif ch == ")" and starts:
            spans.append((starts.pop(), i))
    spans.sort(key=lambda p: -(p[1] - p[0]))
    for a, b in spans:
        for rep in ("missing", "true", "0", "2020-02-01"):
            out.append(s[:a] + rep + s[b + 1:])
    return out


def minimise(cohort, head, stmts, work):
    stmts = list(stmts)
    changed = True
    while changed:
        changed = False
        for i in range(len(stmts)):
            if stmts[i].startswith("endpoint"):
                continue
            trial = stmts[:i] + stmts[i + 1:]
            outs = check_program(cohort, head, trial, work)
            if outs[0][0] == 0 and differs(outs):
                stmts = trial
                changed = True
                break
        if changed:
            continue
        for i in range(len(stmts)):
            for cand in shrink_expr_candidates(stmts[i]):
                trial = stmts[:i] + [cand] + stmts[i + 1:]
                outs = check_program(cohort, head, trial, work)
                if outs[0][0] == 0 and differs(outs):
                    stmts = trial
                    changed = True
                    break
            if changed:
                break
    return stmts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cohort", required=True)
    ap.add_argument("--programs", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-data", type=int, default=5, help="programs per random cohort")
    ap.add_argument("--keep", help="write minimised failing cases here")
    ap.add_argument("--replay", nargs="*", help="kept cases to run")
    ap.add_argument("--schema", default="difftest")
    a = ap.parse_args()
    cohort = os.path.abspath(a.cohort)
    work = tempfile.mkdtemp(prefix="cohort-diff.")
    valid = invalid = diffs = 0
    try:
        if a.replay is not None:
            bad = 0
            for case in a.replay:
                load(a.schema, os.path.abspath(case))
                text = open(os.path.join(case, "case.rules")).read().replace("@SCHEMA@", a.schema)
                path = os.path.join(work, "t.rules")
                open(path, "w").write(text)
                outs = run_both(cohort, path, work)
                if outs[0][0] != 0 or differs(outs):
                    bad += 1
                    print("FAIL: regression case %s: status %d/%d" % (case, outs[0][0], outs[1][0]))
                    print(outs[0][2] + outs[1][2])
                    print((outs[0][1] or "") + "----\n" + (outs[1][1] or ""))
            print("%d regression cases, %d failed" % (len(a.replay), bad))
            return 1 if bad else 0
        rng = random.Random(a.seed)
        data_dir = os.path.join(work, "data")
        for p in range(a.programs):
            if p % a.per_data == 0:
                shutil.rmtree(data_dir, ignore_errors=True)
                write_data(gen_data(rng), data_dir)
                load(a.schema, data_dir)
            head, stmts = gen_rules(rng, a.schema)
            outs = check_program(cohort, head, stmts, work)
            if outs[0][0] != 0:
                invalid += 1
                continue
            valid += 1
            if not differs(outs):
                continue
            diffs += 1
            small = minimise(cohort, head, stmts, work)
            print("DIFFERENCE (program %d, seed %d):" % (p, a.seed))
            print(program_text(head, small))
            o = check_program(cohort, head, small, work)
            print("in memory (status %d):\n%s\nin the database (status %d):\n%s%s" %
                  (o[0][0], o[0][1], o[1][0], o[1][1], o[1][2]))
            if a.keep:
                case = os.path.join(a.keep, "seed%d_p%d" % (a.seed, p))
                shutil.copytree(data_dir, case, dirs_exist_ok=True)
                with open(os.path.join(case, "case.rules"), "w") as f:
                    f.write(program_text(head, small).replace(a.schema + ".", "@SCHEMA@."))
        print("%d programs: %d valid, %d rejected by check, %d differences" % (a.programs, valid, invalid, diffs))
        return 1 if diffs else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)
        try:
            psql("DROP SCHEMA IF EXISTS %s CASCADE;" % a.schema)
        except Exception:
            pass


if __name__ == "__main__":
    sys.exit(main())
