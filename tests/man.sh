#!/bin/sh
# tests/man.sh: keeps the manual pages and editor files in step with the
# program.  Checks that every command, option and exit code printed by
# `cohort --help` (and `cohort COMMAND --help`) is in doc/cohort.1; that the
# KEYWORDS table of doc/cohort-rules.5 lists exactly the keywords of
# grammar/scanner.l and that every built-in function of src/builtins.c and
# every setting of src/check.c (`privacy min_cell`) is described there;
# that every member of cohort_host and every COHORT_ name
# of include/cohort/plugin.h is in doc/cohort-plugin.3; that the keyword and
# function lists of the vim and VS Code syntax files in contrib/ match the
# scanner and builtins.c exactly; and, when mandoc or groff is installed,
# that the pages format without warnings.  Prints "N passed, M failed".
# Environment: COHORT (the cohort binary), srcdir (the source tree).
LC_ALL=C
export LC_ALL
srcdir=${srcdir:-.}
COHORT=${COHORT:-./cohort}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cohort-man.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0
skip=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

for f in doc/cohort.1 doc/cohort-rules.5 doc/cohort-plugin.3 grammar/scanner.l src/builtins.c \
         include/cohort/plugin.h contrib/vim/syntax/cohort.vim contrib/vim/ftdetect/cohort.vim \
         contrib/vscode/package.json contrib/vscode/syntaxes/cohort.tmLanguage.json; do
    if [ ! -f "$srcdir/$f" ]; then
        echo "FAIL: $srcdir/$f is missing"
        echo "0 passed, 1 failed"
        exit 1
    fi
done
if ! "$COHORT" --help >"$tmp/help" 2>&1; then
    echo "FAIL: $COHORT --help did not succeed"
    echo "0 passed, 1 failed"
    exit 1
fi

# The text of a roff page with escapes undone: \- -> -, \(dq -> ", fonts kept
# as markers (\fB stays), \& and \e resolved.
plain() {
    sed -e 's/\\-/-/g' -e 's/\\(dq/"/g' -e "s/\\\\(aq/'/g" -e 's/\\&//g' -e 's/\\e/\\/g' "$1"
}
plain "$srcdir/doc/cohort.1" >"$tmp/cohort.1"
plain "$srcdir/doc/cohort-rules.5" >"$tmp/rules.5"
plain "$srcdir/doc/cohort-plugin.3" >"$tmp/plugin.3"

# One section (.SH NAME up to the next .SH) of a plain page.
section() {
    awk -v want="$2" '
        /^\.SH / { name = substr($0, 5); gsub(/"/, "", name); on = (name == want); next }
        on { print }' "$1"
}

# Lines of a plain page set in bold: font macros whose bold part holds the
# word, or \fB...\fR runs.  Prints the bold words, one per line.
bold_words() {
    awk '
        function words(s,    n, a, i) {
            gsub(/\\f[BIRP]/, " ", s)
            n = split(s, a, /[^A-Za-z0-9_.-]+/)
            for (i = 1; i <= n; i++) if (a[i] != "") print a[i]
        }
        function args(line,    out, q, i, c, cur, n) {
            # split macro arguments, honouring double quotes
            n = 0; cur = ""; q = 0
            for (i = 1; i <= length(line); i++) {
                c = substr(line, i, 1)
                if (c == "\"") { q = !q; continue }
                if (c == " " && !q) { if (cur != "") { A[++n] = cur; cur = "" } continue }
                cur = cur c
            }
            if (cur != "") A[++n] = cur
            return n
        }
        /^\.(B|BR|BI|RB|IB|SS|TP) / || /^\.B$/ {
            m = $1; rest = substr($0, length(m) + 2)
            n = args(rest)
            for (i = 1; i <= n; i++) {
                bold = 0
                if (m == ".B" || m == ".SS") bold = 1
                else if (m == ".BR" || m == ".BI") bold = (i % 2 == 1)
                else if (m == ".RB" || m == ".IB") bold = (i % 2 == 0)
                if (bold) words(A[i])
            }
            delete A
        }
        {
            s = $0
            while ((p = index(s, "\\fB")) > 0) {
                s = substr(s, p + 3)
                e = index(s, "\\f")
                words(e ? substr(s, 1, e - 1) : s)
            }
        }' "$1" | sort -u
}

has_word() {   # has_word WORD FILE-of-words
    grep -qxF -- "$1" "$2"
}

# ---- cohort.1: commands, options, exit codes --------------------------------
bold_words "$tmp/cohort.1" >"$tmp/bold.1"
sed -n '/^commands:/,/^$/p' "$tmp/help" | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p' >"$tmp/commands"
if [ ! -s "$tmp/commands" ]; then
    bad "no commands found in cohort --help"
fi
for c in $(cat "$tmp/commands"); do
    if has_word "$c" "$tmp/bold.1" && grep -q "^\.TP" "$tmp/cohort.1" &&
       section "$tmp/cohort.1" COMMANDS | grep -q "^\.B[IR]* \"*$c\( \|\"\|$\)"; then
        ok
    else
        bad "command '$c' (cohort --help) is not described in COMMANDS of doc/cohort.1"
    fi
done
: >"$tmp/helps"
cat "$tmp/help" >>"$tmp/helps"
for c in $(cat "$tmp/commands"); do
    if "$COHORT" "$c" --help >"$tmp/help.$c" 2>&1; then
        ok
        cat "$tmp/help.$c" >>"$tmp/helps"
    else
        bad "cohort $c --help did not succeed"
    fi
done
grep -oE '(^|[][ ,|(])--?[a-z][a-z-]*' "$tmp/helps" | sed 's/^[][ ,|(]//' | sort -u >"$tmp/options"
if [ "$(wc -l <"$tmp/options")" -lt 5 ]; then
    bad "too few options found in cohort --help"
fi
section "$tmp/cohort.1" OPTIONS >"$tmp/options.1"
bold_words "$tmp/options.1" >"$tmp/bold.options"
for o in $(cat "$tmp/options"); do
    if has_word "$o" "$tmp/bold.options"; then
        ok
    else
        bad "option '$o' (cohort --help) is not described in OPTIONS of doc/cohort.1"
    fi
done
# every option of `cohort --help` that run takes is in `cohort run --help`
sed -n '/^options:/,/^$/p' "$tmp/help" | grep -oE '^  --?[a-z][a-z-]*' | sed 's/^  //' >"$tmp/options.global"
for o in $(cat "$tmp/options.global"); do
    case $o in -h|--help|--version) continue ;; esac
    if grep -qE "(^|[][ ,|(])$o([] ,|=]|$)" "$tmp/help.run"; then
        ok
    else
        bad "option '$o' (cohort --help) is not in cohort run --help"
    fi
done
# the installed cohort.1 (built as man/cohort.1) names this build's paths
if [ -f man/cohort.1 ]; then
    if grep -q '\$(' man/cohort.1; then
        bad "man/cohort.1 has a literal \$(...): $(grep -m1 '\$(' man/cohort.1)"
    elif [ -n "${COHORT_INSTALLED_PLUGINS:-}" ] && ! grep -qF "$COHORT_INSTALLED_PLUGINS" man/cohort.1; then
        bad "man/cohort.1 does not name the plugin directory $COHORT_INSTALLED_PLUGINS"
    else
        ok
    fi
else
    bad "man/cohort.1 (the page make install installs) was not built"
fi
codes=$(sed -n '/^exit codes:/,/^[^ e]/p' "$tmp/help" | grep -oE '(^|[ :,])[0-9]+ [a-z]' | grep -oE '[0-9]+' | sort -n | tr '\n' ' ')
section "$tmp/cohort.1" "EXIT STATUS" | sed -n 's/^\.B \([0-9][0-9]*\)$/\1/p' | sort -n | tr '\n' ' ' >"$tmp/codes.1"
if [ -z "$codes" ]; then
    bad "no exit codes found in cohort --help"
elif [ "$codes" = "$(cat "$tmp/codes.1")" ]; then
    ok
else
    bad "exit codes in cohort --help ($codes) differ from EXIT STATUS of doc/cohort.1 ($(cat "$tmp/codes.1"))"
fi

# ---- cohort-rules.5: keywords, functions ---------------------------------------
sed -n '/^%%$/,/^%%$/p' "$srcdir/grammar/scanner.l" | grep -oE '^"[a-z_]+"(\|"[a-z_]+")*' |
    tr '|' '\n' | tr -d '"' | sort -u >"$tmp/keywords"
if [ "$(wc -l <"$tmp/keywords")" -lt 20 ]; then
    bad "too few keywords found in grammar/scanner.l"
fi
section "$tmp/rules.5" KEYWORDS | sed -n '/^\.TS/,/^\.TE/p' |
    grep -v -e '^\.T[SE]' -e '^T}' -e '^[a-z ]*\.$' | sed -e 's/^[^	]*	//' -e 's/T{//' |
    tr ' ' '\n' | grep . | sort -u >"$tmp/keywords.5"
for k in $(cat "$tmp/keywords"); do
    if has_word "$k" "$tmp/keywords.5"; then ok; else bad "keyword '$k' (grammar/scanner.l) is not in KEYWORDS of doc/cohort-rules.5"; fi
done
for k in $(cat "$tmp/keywords.5"); do
    if has_word "$k" "$tmp/keywords"; then ok; else bad "'$k' is in KEYWORDS of doc/cohort-rules.5 but is not a keyword of grammar/scanner.l"; fi
done
grep -oE '\[BI_[A-Z_]+\] *= *\{"[A-Za-z_]+"' "$srcdir/src/builtins.c" | sed 's/.*{"\([A-Za-z_]*\)"/\1/' | sort -u >"$tmp/builtins"
if [ ! -s "$tmp/builtins" ]; then
    bad "no built-in functions found in src/builtins.c"
fi
section "$tmp/rules.5" FUNCTIONS >"$tmp/functions.5"
for b in $(cat "$tmp/builtins"); do
    if grep -q "^\.BI* \"*$b(" "$tmp/functions.5" || grep -q "^\.BI .* $b(" "$tmp/functions.5"; then
        ok
    else
        bad "built-in function '$b' (src/builtins.c) is not described in FUNCTIONS of doc/cohort-rules.5"
    fi
done
# the settings statements (`privacy min_cell = 5;`) the checker knows
if [ -f "$srcdir/src/check.c" ]; then
    grep -oE '^ *\{"[a-z_]+", "[a-z_]+", SET_[A-Z]+' "$srcdir/src/check.c" |
        sed 's/^ *{"\([a-z_]*\)", "\([a-z_]*\)".*/\1 \2/' >"$tmp/settings"
    bold_words "$tmp/rules.5" >"$tmp/bold.5"
    while read -r sect key; do
        if has_word "$sect" "$tmp/bold.5" && has_word "$key" "$tmp/bold.5"; then
            ok
        else
            bad "setting '$sect $key' (src/check.c) is not described in doc/cohort-rules.5"
        fi
    done <"$tmp/settings"
fi

# ---- cohort-plugin.3: the host table and every COHORT_ name ---------------------
awk '/^typedef struct cohort_host \{/ { on = 1; next } /^\} cohort_host;/ { on = 0 } on' \
    "$srcdir/include/cohort/plugin.h" | tr '\n' ' ' |
    sed -e 's:/\*\([^*]\|\*[^/]\)*\*/::g' -e 's/__attribute__((\([^()]\|([^()]*)\)*))//g' | tr ';' '\n' |
    awk '
        /\(\*[A-Za-z_][A-Za-z0-9_]*\)/ {
            match($0, /\(\*[A-Za-z_][A-Za-z0-9_]*\)/); print substr($0, RSTART + 2, RLENGTH - 3); next
        }
        NF >= 2 {
            sub(/^ *[A-Za-z_][A-Za-z0-9_]* +/, ""); n = split($0, a, /[ ,]+/)
            for (i = 1; i <= n; i++) if (a[i] ~ /^[A-Za-z_][A-Za-z0-9_]*$/) print a[i]
        }' | sort -u >"$tmp/members"
if [ "$(wc -l <"$tmp/members")" -lt 10 ]; then
    bad "too few members of cohort_host found in include/cohort/plugin.h"
fi
section "$tmp/plugin.3" "THE HOST TABLE" >"$tmp/host.3"
for m in $(cat "$tmp/members"); do
    # an item of the section whose tag (the line after .TP) names the member
    if awk -v m="$m" '
            prev == ".TP" && /^\.B/ {
                s = $0; gsub(/"/, " ", s); gsub(/[(),*]/, " & ", s)
                n = split(s, a, / +/)
                for (i = 1; i <= n; i++) if (a[i] == m) found = 1
            }
            { prev = $0 }
            END { exit !found }' "$tmp/host.3"; then
        ok
    else
        bad "cohort_host member '$m' (include/cohort/plugin.h) is not described in THE HOST TABLE of doc/cohort-plugin.3"
    fi
done
grep -oE '\bCOHORT_[A-Z0-9_]+' "$srcdir/include/cohort/plugin.h" | grep -vx 'COHORT_PLUGIN_H' | sort -u >"$tmp/names"
for n in $(cat "$tmp/names"); do
    if grep -qE "(^|[^A-Za-z0-9_])$n([^A-Za-z0-9_]|\$)" "$tmp/plugin.3"; then
        ok
    else
        bad "$n (include/cohort/plugin.h) is not in doc/cohort-plugin.3"
    fi
done

# ---- contrib: vim and VS Code keyword and function lists ------------------------
vim=$srcdir/contrib/vim/syntax/cohort.vim
sed -n 's/^syn keyword cohort[A-Za-z]* *//p' "$vim" | grep -v 'contained' | tr ' ' '\n' | grep . | sort -u >"$tmp/vim.keywords"
sed -n 's/^syn match cohortFunction "[^(]*(\([A-Za-z_\\|]*\)\\).*/\1/p' "$vim" | sed 's/\\|/\n/g' | grep . | sort -u >"$tmp/vim.functions"
tm=$srcdir/contrib/vscode/syntaxes/cohort.tmLanguage.json
grep -E '"name": "(keyword|constant\.language)\.[^"]*", "match": "\\\\b\([a-z_|]+\)\\\\b"' "$tm" |
    sed 's/.*"match": "\\\\b(\([a-z_|]*\))\\\\b".*/\1/' | tr '|' '\n' | grep . | sort -u >"$tmp/tm.keywords"
grep -E '"name": "support\.function\.[^"]*", "match": "\\\\b\([A-Za-z_|]+\)' "$tm" |
    sed 's/.*"match": "\\\\b(\([A-Za-z_|]*\)).*/\1/' | tr '|' '\n' | grep . | sort -u >"$tmp/tm.functions"
# functions highlighted as such: the built-ins that are not keywords
comm -23 "$tmp/builtins" "$tmp/keywords" >"$tmp/functions"
for pair in "vim.keywords:keywords:contrib/vim/syntax/cohort.vim keywords:grammar/scanner.l keywords" \
            "tm.keywords:keywords:contrib/vscode/syntaxes/cohort.tmLanguage.json keywords:grammar/scanner.l keywords" \
            "vim.functions:functions:contrib/vim/syntax/cohort.vim functions:src/builtins.c functions" \
            "tm.functions:functions:contrib/vscode/syntaxes/cohort.tmLanguage.json functions:src/builtins.c functions"; do
    got=${pair%%:*}; rest=${pair#*:}; want=${rest%%:*}; rest=${rest#*:}; what=${rest%%:*}; ref=${rest#*:}
    if [ ! -s "$tmp/$got" ]; then
        bad "no $what found"
    elif cmp -s "$tmp/$got" "$tmp/$want"; then
        ok
    else
        bad "$what differ from $ref:"
        comm -3 "$tmp/$got" "$tmp/$want" | sed 's/^\t/    missing: /; /^    missing/!s/^/    extra: /'
    fi
done
if grep -q '"path": "./syntaxes/cohort.tmLanguage.json"' "$srcdir/contrib/vscode/package.json" &&
   grep -q '"scopeName": "source.cohort"' "$srcdir/contrib/vscode/package.json" &&
   grep -q '"scopeName": "source.cohort"' "$tm"; then
    ok
else
    bad "contrib/vscode/package.json does not point at syntaxes/cohort.tmLanguage.json (scope source.cohort)"
fi

# ---- formatting ------------------------------------------------------------------
for page in cohort.1 cohort-rules.5 cohort-plugin.3; do
    if command -v mandoc >/dev/null 2>&1; then
        if mandoc -Tlint -Wwarning "$srcdir/doc/$page" >"$tmp/lint" 2>&1; then ok; else bad "mandoc -Tlint doc/$page:"; cat "$tmp/lint"; fi
    else
        skip=$((skip + 1))
    fi
    if command -v groff >/dev/null 2>&1; then
        groff -t -man -Tutf8 -ww -z "$srcdir/doc/$page" >"$tmp/groff" 2>&1
        if [ -s "$tmp/groff" ]; then bad "groff warnings for doc/$page:"; cat "$tmp/groff"; else ok; fi
    else
        skip=$((skip + 1))
    fi
done

if [ "$skip" -gt 0 ]; then
    echo "$pass passed, $fail failed, $skip skipped"
else
    echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
