# The development gold set (tests/gold/dev.jsonl) scored with 'detente eval'
# and the built-in dictionaries, plus checks of the metric arithmetic on a
# hand-made gold/predicted pair whose figures are worked out in
# tests/gold/README.md. This file is both the test list (included by
# tests/CMakeLists.txt) and, run with -P, the runner of one case.

if(CMAKE_SCRIPT_MODE_FILE AND DEFINED GOLD_FLOORS)
  # Score the gold set; print both F1 figures; fail under the floors.
  execute_process(COMMAND ${DETENTE} eval ${GOLD} --by-root OUTPUT_VARIABLE out
                  ERROR_VARIABLE err RESULT_VARIABLE rc)
  message(STATUS "\n${out}${err}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "detente eval failed with status ${rc}")
  endif()
  if(NOT out MATCHES "full triples +P [0-9.]+ +R [0-9.]+ +F1 ([0-9.]+)")
    message(FATAL_ERROR "no full-triple F1 in the output")
  endif()
  set(f1_full ${CMAKE_MATCH_1})
  if(NOT out MATCHES "country\\+country\\+root +P [0-9.]+ +R [0-9.]+ +F1 ([0-9.]+)")
    message(FATAL_ERROR "no country+root F1 in the output")
  endif()
  set(f1_root ${CMAKE_MATCH_1})
  message(STATUS "gold F1: full triples ${f1_full} (floor ${FLOOR_FULL}), "
                 "country+country+root ${f1_root} (floor ${FLOOR_ROOT})")
  if(f1_full LESS FLOOR_FULL OR f1_root LESS FLOOR_ROOT)
    message(FATAL_ERROR "gold F1 below its floor: full ${f1_full} < ${FLOOR_FULL} or "
                        "root ${f1_root} < ${FLOOR_ROOT}")
  endif()
  return()
endif()
if(CMAKE_SCRIPT_MODE_FILE)
  # One CLI case: exit status and an output regex must both match.
  separate_arguments(argv UNIX_COMMAND "${ARGS}")
  execute_process(COMMAND ${DETENTE} eval ${argv} OUTPUT_VARIABLE out ERROR_VARIABLE err
                  RESULT_VARIABLE rc)
  set(all "${out}${err}")
  if(NOT rc STREQUAL WANT)
    message(FATAL_ERROR "exit status ${rc}, expected ${WANT}\n--- output:\n${all}")
  endif()
  if(NOT all MATCHES "${REGEX}")
    message(FATAL_ERROR "output does not match /${REGEX}/\n--- output:\n${all}")
  endif()
  return()
endif()

# Floors: what the built-in dictionaries reached at the last update of this
# file, minus about 0.02, so a regression fails and a normal wobble does
# not. Raise them when the figures rise (docs/evaluation.md).
# Plain variables, not cache entries: a cache entry keeps the value of the
# first configure, so a raised floor would never reach existing build trees.
set(DT_GOLD_FLOOR_FULL 0.67)
set(DT_GOLD_FLOOR_ROOT 0.78)

add_test(NAME gold.dev
         COMMAND ${CMAKE_COMMAND} -DGOLD_FLOORS=1 -DDETENTE=$<TARGET_FILE:detente>
                 -DGOLD=${CMAKE_SOURCE_DIR}/tests/gold/dev.jsonl
                 -DFLOOR_FULL=${DT_GOLD_FLOOR_FULL} -DFLOOR_ROOT=${DT_GOLD_FLOOR_ROOT}
                 -P ${CMAKE_CURRENT_LIST_DIR}/gold.cmake)

set(DT_GOLD_DIR "${CMAKE_SOURCE_DIR}/tests/gold")
set(DT_GOLD_TMP "${CMAKE_CURRENT_BINARY_DIR}/gold_cases")
file(MAKE_DIRECTORY "${DT_GOLD_TMP}")
# Broken inputs, written at configure time: each bad record must be named
# by file and line, and the run must fail rather than score a smaller set.
file(WRITE "${DT_GOLD_TMP}/bad.jsonl"
     "{\"id\":\"a\",\"date\":\"2019-06-20\",\"text\":\"x\",\"events\":[]}\n"
     "{\"id\":\"b\",\"date\":\"2019-02-30\",\"text\":\"x\",\"events\":[]}\n"
     "{\"id\":\"a\",\"date\":\"2019-06-20\",\"text\":\"x\",\"events\":[]}\n"
     "{\"id\":\"c\",\"date\":\"2019-06-20\",\"text\":\"x\",\"events\":[{\"source\":\"USA\"}]}\n"
     "not json\n")
file(WRITE "${DT_GOLD_TMP}/stray.jsonl"
     "{\"doc_id\":\"nope\",\"source\":\"USA\",\"target\":\"CHN\",\"code\":\"040\"}\n")

set(DT_GOLD_CASES
    # name | expected exit | regex the output must match | arguments
    # The metric fixture (tests/gold/README.md works the figures out):
    # duplicates count as a multiset, IGOUNOIAE reduces to IGOUNO, 112
    # and 111 share root 11, and a sentence without gold events adds a
    # false alarm only.
    "metrics-full|0|full triples +P 0\\.200 +R 0\\.167 +F1 0\\.182 +\\(tp 1, fp 4, fn 5\\)|--predicted ${DT_GOLD_DIR}/metric-pred.jsonl ${DT_GOLD_DIR}/metric-gold.jsonl"
    "metrics-root|0|country\\+country\\+root +P 0\\.800 +R 0\\.667 +F1 0\\.727 +\\(tp 4, fp 1, fn 2\\)|--predicted ${DT_GOLD_DIR}/metric-pred.jsonl ${DT_GOLD_DIR}/metric-gold.jsonl"
    "metrics-json|0|\"full\":\\{\"precision\":0\\.2000,\"recall\":0\\.1667,\"f1\":0\\.1818,\"tp\":1,\"fp\":4,\"fn\":5\\}.*\"by_root\":\\{\"04\":\\{\"full\":\\{\"precision\":0\\.5000,\"recall\":0\\.5000,\"f1\":0\\.5000,\"tp\":1,\"fp\":1,\"fn\":1\\},\"country_root\":\\{\"precision\":1\\.0000,\"recall\":1\\.0000|--json --by-root --predicted ${DT_GOLD_DIR}/metric-pred.jsonl ${DT_GOLD_DIR}/metric-gold.jsonl"
    "metrics-verbose|0|FALSE m3: CHN USA 190\tmetric fixture three.*MISS  m4: RUS UKR 195\tmetric fixture four|--verbose --predicted ${DT_GOLD_DIR}/metric-pred.jsonl ${DT_GOLD_DIR}/metric-gold.jsonl"
    "bad-gold|1|bad.jsonl:2: missing or bad \"date\".*bad.jsonl:3: duplicate \"id\".*bad.jsonl:4: event 1 needs.*bad.jsonl:5: not a JSON object|${DT_GOLD_TMP}/bad.jsonl"
    "stray-predicted|1|stray.jsonl:1: doc_id 'nope' is not in the gold set|--predicted ${DT_GOLD_TMP}/stray.jsonl ${DT_GOLD_DIR}/metric-gold.jsonl"
    "no-file|1|cannot open gold file|${DT_GOLD_TMP}/no-such.jsonl"
    "help|0|Usage: detente eval|--help")

foreach(case ${DT_GOLD_CASES})
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 name)
  list(GET parts 1 want)
  list(GET parts 2 regex)
  list(GET parts 3 args)
  add_test(NAME gold.eval.${name}
           COMMAND ${CMAKE_COMMAND} -DDETENTE=$<TARGET_FILE:detente> -DWANT=${want}
                   "-DREGEX=${regex}" "-DARGS=${args}" -P ${CMAKE_CURRENT_LIST_DIR}/gold.cmake)
endforeach()
