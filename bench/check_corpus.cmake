# CTest script: the corpus generator is deterministic, honours the
# requested size, and writes well-formed JSONL. Run as
#   cmake -DGEN=path/to/gen_corpus -DOUT=dir [-DDEV=file.xml] -P check_corpus.cmake
# A benchmark whose input silently changed would make every figure in
# bench/RESULTS.md incomparable with the next run, so this is checked.

set(want 3000)
foreach(v GEN OUT)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "check_corpus: -D${v}= is required")
  endif()
endforeach()
file(MAKE_DIRECTORY ${OUT})
if(DEFINED DEV AND EXISTS "${DEV}")
  set(dev_args --dev ${DEV})
else()
  set(dev_args --no-dev)
endif()

function(gen seed file)
  execute_process(COMMAND ${GEN} --sentences ${want} --seed ${seed} ${dev_args} --out ${file}
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "check_corpus: gen_corpus failed (${rc}): ${err}")
  endif()
endfunction()

gen(7 ${OUT}/a.jsonl)
gen(7 ${OUT}/b.jsonl)
gen(8 ${OUT}/c.jsonl)
file(SHA256 ${OUT}/a.jsonl ha)
file(SHA256 ${OUT}/b.jsonl hb)
file(SHA256 ${OUT}/c.jsonl hc)
if(NOT ha STREQUAL hb)
  message(FATAL_ERROR "check_corpus: same seed, different output")
endif()
if(ha STREQUAL hc)
  message(FATAL_ERROR "check_corpus: different seeds, same output")
endif()

# Split into lines by hand: CMake lists treat ';' as a separator and '[' ']'
# as grouping, so those are replaced first (the documents have no JSON
# arrays, so the lines stay valid JSON).
file(READ ${OUT}/a.jsonl content)
string(REPLACE ";" "," content "${content}")
string(REPLACE "[" "(" content "${content}")
string(REPLACE "]" ")" content "${content}")
string(REGEX REPLACE "\n$" "" content "${content}")
string(REPLACE "\n" ";" lines "${content}")
set(total 0)
set(n 0)
foreach(line IN LISTS lines)
  math(EXPR n "${n} + 1")
  string(JSON id ERROR_VARIABLE e1 GET "${line}" id)
  string(JSON date ERROR_VARIABLE e2 GET "${line}" date)
  string(JSON text ERROR_VARIABLE e3 GET "${line}" text)
  string(JSON ns ERROR_VARIABLE e4 GET "${line}" n_sent)
  if(e1 OR e2 OR e3 OR e4)
    message(FATAL_ERROR "check_corpus: line ${n} is not a complete document: ${e1}${e2}${e3}${e4}")
  endif()
  if(NOT date MATCHES "^[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]$")
    message(FATAL_ERROR "check_corpus: line ${n}: bad date '${date}'")
  endif()
  if(ns LESS 1 OR text STREQUAL "")
    message(FATAL_ERROR "check_corpus: line ${n}: empty document")
  endif()
  math(EXPR total "${total} + ${ns}")
endforeach()
if(total LESS want)
  message(FATAL_ERROR "check_corpus: ${total} sentences, asked for ${want}")
endif()
# The generator stops as soon as it reaches the target: at most one
# document (<= 12 sentences) over.
math(EXPR over "${total} - ${want}")
if(over GREATER 12)
  message(FATAL_ERROR "check_corpus: ${total} sentences, ${over} more than asked")
endif()
message(STATUS "check_corpus: ${n} documents, ${total} sentences, deterministic")
