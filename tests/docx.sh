#!/bin/sh
# tests/docx.sh: DIR/tables.docx, the run's tables as a Word document
# (src/docx.c), read back.  On the rules of the e2e case est_table1_effects
# (two Table 1s: mean (SD) and median [IQR], levels, a boolean with missing
# values, footnotes): the archive passes `unzip -t`; python-docx (Debian's
# python3-docx, which scripts/deps.sh installs) opens it, finds one table
# per table of the text report and in each the cells of the table's CSV
# file as the report formats them (text as is, p-values "0.057" or
# "<0.001", numbers with their decimals, "-" for missing), the levels
# indented, the header row repeated on each page and the footnotes under
# the table; the same check runs on the XML itself with Python's standard
# library, so that it holds where python-docx is missing.  Two runs give the
# same bytes.  Prints "N passed, M failed".
: "${srcdir:=.}"
. "$srcdir/tests/preamble.sh"
pass=0
# check WHAT COMMAND...: one line PASS or FAIL (with the command's output)
check() {
    what=$1
    shift
    if "$@" >"$tmp/check.out" 2>&1; then
        pass=$((pass + 1))
        echo "PASS: $what"
    else
        fail "$what"
        head -20 "$tmp/check.out"
    fi
}

case_dir="$srcdir/tests/e2e/cases/est_table1_effects"
cp -r "$case_dir/study.rules" "$case_dir/data" "$tmp/"
check "cohort run --out" sh -c "cd '$tmp' && '$COHORT' run study.rules --out a >/dev/null 2>&1"
check "cohort run --out again" sh -c "cd '$tmp' && '$COHORT' run study.rules --out b >/dev/null 2>&1"
check "the same bytes twice" cmp "$tmp/a/tables.docx" "$tmp/b/tables.docx"
if command -v unzip >/dev/null 2>&1; then
    check "unzip -t" unzip -tq "$tmp/a/tables.docx"
else
    echo "SKIP: unzip -t (no unzip)"
fi

# the reader: python-docx when a python3 has it, else the standard library
cat >"$tmp/read.py" <<'EOF'
import csv, re, sys, zipfile
import xml.etree.ElementTree as ET

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
mode, path, outdir = sys.argv[1], sys.argv[2], sys.argv[3]

def tables_stdlib():
    """[(rows of (text, indented)), header repeated, footnotes after]"""
    root = ET.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    body = root.find(W + "body")
    out, last = [], None
    for el in body:
        if el.tag == W + "tbl":
            rows = []
            for tr in el.findall(W + "tr"):
                cells = []
                for tc in tr.findall(W + "tc"):
                    p = tc.find(W + "p")
                    text = "".join(t.text or "" for t in p.iter(W + "t"))
                    ind = p.find(W + "pPr/" + W + "ind")
                    cells.append((text, ind is not None))
                rows.append(cells)
            head = el.find(W + "tr/" + W + "trPr/" + W + "tblHeader") is not None
            last = [rows, head, []]
            out.append(last)
        elif el.tag == W + "p" and last is not None:
            last[2].append("".join(t.text or "" for t in el.iter(W + "t")))
    return out

def tables_docx():
    import docx
    d = docx.Document(path)
    out = []
    for t in d.tables:
        rows = [[(c.text, bool(c.paragraphs[0].paragraph_format.left_indent)) for c in r.cells]
                for r in t.rows]
        head = t.rows[0]._tr.trPr is not None and t.rows[0]._tr.trPr.find(W + "tblHeader") is not None
        # the paragraphs after the table, up to the next table's title
        after, el = [], t._tbl.getnext()
        while el is not None and el.tag == W + "p":
            after.append("".join(x.text or "" for x in el.iter(W + "t")))
            el = el.getnext()
        out.append([rows, head, after])
    return out

def shown(kind, value):
    """a CSV value as the text report shows it"""
    if value == "":
        return "-"
    if kind == "p":
        v = float(value)
        return "<0.001" if v < 0.001 else "%.3f" % v
    return value

tabs = tables_docx() if mode == "docx" else tables_stdlib()
want = ["01-table1-table1.csv", "02-table1-table1.csv"]
bad = 0
est_tabs = tabs
if len(est_tabs) != len(want):
    print("tables:", len(est_tabs), "expected", len(want)); sys.exit(1)
for (rows, head, after), name in zip(est_tabs, want):
    with open(outdir + "/" + name, newline="") as f:
        csvrows = list(csv.reader(f))
    if [c[0] for c in rows[0]] != csvrows[0]:
        print(name, "header", [c[0] for c in rows[0]], csvrows[0]); bad += 1
    kinds = ["p" if h == "p" else "text" for h in csvrows[0]]
    if len(rows) != len(csvrows):
        print(name, "rows", len(rows), len(csvrows)); bad += 1
    for r, (drow, crow) in enumerate(zip(rows[1:], csvrows[1:])):
        for k, ((text, ind), value) in enumerate(zip(drow, crow)):
            if text != shown(kinds[k], value).lstrip(" "):
                print(name, "row", r, "col", k, repr(text), repr(value)); bad += 1
            if k == 0 and ind != value.startswith(" "):
                print(name, "row", r, "indent", ind, repr(value)); bad += 1
    if not head:
        print(name, "no repeated header row"); bad += 1
    if not any(a.startswith("Statistics: ") for a in after) or not any(a.startswith("Tests: ") for a in after):
        print(name, "footnotes", after); bad += 1
sys.exit(1 if bad else 0)
EOF
check "document.xml read with the standard library: cells = CSV" python3 "$tmp/read.py" stdlib "$tmp/a/tables.docx" "$tmp/a"
pydocx=""
for py in python3 /usr/bin/python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c "import docx" 2>/dev/null; then pydocx=$py; break; fi
done
if [ -n "$pydocx" ]; then
    check "python-docx opens it: cells = CSV" "$pydocx" "$tmp/read.py" docx "$tmp/a/tables.docx" "$tmp/a"
else
    echo "SKIP: python-docx (install python3-docx)"
fi
echo "$pass passed, $fails failed"
[ $fails = 0 ]
