# tests/pg/topg.awk: a rules file reading the example data from CSV made to
# read the same tables from PostgreSQL (tests/pg.sh, tests/pg_fdw.sh), one
# schema per data folder:
#   data csv "../data/DIR" { table T ... }  ->  data postgres "" { table T from "DIR.T" ... }
#   data csv "../data/DIR"; (the tables of a library, lib/omop.rules)  ->
#   data postgres "options='-c search_path=DIR'";
/^data csv "[^"]*";/ {
    n = split($3, parts, "/"); schema = parts[n]; gsub(/[";]/, "", schema)
    sub(/^data csv "[^"]*"/, "data postgres \"options=\047-c search_path=" schema "\047\""); print; next
}
/^data csv "/ {
    n = split($3, parts, "/"); schema = parts[n]; gsub(/"/, "", schema)
    sub(/^data csv "[^"]*"/, "data postgres \"\""); indata = 1; print; next
}
indata && /^}/ { indata = 0 }
indata && match($0, /table[ \t]+[A-Za-z_][A-Za-z0-9_]*/) {
    decl = substr($0, RSTART, RLENGTH); split(decl, w, /[ \t]+/)
    $0 = substr($0, 1, RSTART + RLENGTH - 1) " from \"" schema "." w[2] "\"" substr($0, RSTART + RLENGTH)
}
{ print }
