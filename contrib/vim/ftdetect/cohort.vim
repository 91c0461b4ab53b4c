" contrib/vim/ftdetect/cohort.vim: recognise cohort study rules (*.rules).
" Vim's own filetype.vim already claims *.rules (udev, polkit, or else
" "hog"); this runs after it and takes over a file it called "hog" when the
" file is new or empty, or when one of its first 50 lines starts a cohort
" statement.  udev and polkit rules keep their filetypes.
function! s:CohortDetect() abort
  if &filetype !=# '' && &filetype !=# 'hog'
    return
  endif
  let l:lines = getline(1, 50)
  if line('$') == 1 && l:lines[0] ==# ''
    setlocal filetype=cohort
    return
  endif
  for l:line in l:lines
    if l:line =~# '^\s*\%(study\s*"\|import\s*"\|data\s\+csv\>\|unit\s\+\h\|param\s\+\h\|let\s\+\h\|include\s*"\|exclude\s*"\|endpoint\s\+\h\|estimate\s\+\h\|extern\s\+\h\|timescale\s\+\h\|define\s\+\h\|exposure\s\+\h\)'
      setlocal filetype=cohort
      return
    endif
  endfor
endfunction

autocmd BufNewFile,BufRead *.rules call s:CohortDetect()
