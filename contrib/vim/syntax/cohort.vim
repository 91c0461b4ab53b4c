" contrib/vim/syntax/cohort.vim: Vim syntax highlighting for cohort study
" rules (.rules files; see cohort-rules(5)).  The keyword lists below are
" exactly the keywords of grammar/scanner.l (tests/man.sh checks it).
" Install: copy contrib/vim/syntax and contrib/vim/ftdetect into ~/.vim/
" (or ~/.config/nvim/), or add contrib/vim to 'runtimepath'.

if exists("b:current_syntax")
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match

" statements and the words inside them
syn keyword cohortStatement   study import data param unit include exclude let
syn keyword cohortStatement   endpoint estimate extern exposure timescale define
syn keyword cohortKeyword     csv table key as order by file origin event
syn keyword cohortKeyword     competing censor from accepts starts at
" operators written as words, windows
syn keyword cohortOperatorWord and or not in within of before after overlaps meets during ends between
" quantifiers
syn keyword cohortQuantifier  any all count first last min max sum where
syn keyword cohortConditional case when then else end
syn keyword cohortBoolean     true false
syn keyword cohortMissing     missing
syn keyword cohortUnit        day days week weeks month months year years

" built-in functions (missing() is the keyword above), when called
syn match cohortFunction "\<\%(coalesce\|first_of\|last_of\|least\|greatest\|abs\|round\|floor\|ceil\|log\|exp\|sqrt\|ref\|add_months\|strata\|I\)\ze\s*("

" type names: in column declarations `{ col: type; }` and in extern
" declarations; elsewhere they are ordinary names (e.g. a column `date`)
syn match cohortType ":\s*\zs\%(integer\|real\|text\|date\|boolean\)\ze\s*;"
syn match cohortType "\%(\<extern\s\+\)\@<=\%(integer\|real\|text\|date\|boolean\|duration\|int\|long\|double\|bool\)\>"
syn match cohortType "[(,]\s*\zs\%(integer\|real\|text\|date\|boolean\|duration\|int\|long\|double\|bool\)\ze\s\+\h\w*\s*[,)]"

" literals: numbers, then durations (a number and a unit), then dates
syn match cohortNumber   "\<\d\+\%(\.\d*\)\=\%([eE][-+]\=\d\+\)\=\>"
syn match cohortDuration "\<\d\+\%(\.\d*\)\=\s*\%(days\=\|weeks\=\|months\=\|years\=\)\>"
syn match cohortDate     "\<\d\{4}-\d\d-\d\d\>"
syn match cohortEscape   contained "\\."
syn region cohortString  start=+"+ skip=+\\.+ end=+"+ oneline contains=cohortEscape

syn match cohortOperator "==\|!=\|<=\|>=\|[<>~]"

syn keyword cohortTodo    contained TODO FIXME XXX NOTE
syn match cohortComment   "#.*$" contains=cohortTodo,@Spell

hi def link cohortStatement    Statement
hi def link cohortKeyword      Keyword
hi def link cohortOperatorWord Operator
hi def link cohortOperator     Operator
hi def link cohortQuantifier   Repeat
hi def link cohortConditional  Conditional
hi def link cohortBoolean      Boolean
hi def link cohortMissing      Constant
hi def link cohortUnit         Type
hi def link cohortFunction     Function
hi def link cohortType         Type
hi def link cohortNumber       Number
hi def link cohortDuration     Number
hi def link cohortDate         Constant
hi def link cohortString       String
hi def link cohortEscape       SpecialChar
hi def link cohortComment      Comment
hi def link cohortTodo         Todo

let b:current_syntax = "cohort"

let &cpo = s:cpo_save
unlet s:cpo_save
