# 'detente dict' through the real binary. This file is both the test list
# (included by tests/CMakeLists.txt) and, run with -P, the runner of one
# case.
if(CMAKE_SCRIPT_MODE_FILE AND DEFINED ROUNDTRIP)
  # Cache round trip: code the same documents with the source dictionaries
  # (DICT: a directory) and with the compiled cache; the events must be
  # byte-identical. Then a cache checked against other sources is refused.
  file(REMOVE "${WORK}/set.dtc")
  execute_process(COMMAND ${DETENTE} dict compile --dict ${DICT} -o ${WORK}/set.dtc
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "compile failed (${rc}): ${err}")
  endif()
  # The same sources compile to the same bytes (no uninitialised padding
  # or unused slots in the file; ASLR makes stale stack bytes differ).
  file(REMOVE "${WORK}/set2.dtc")
  execute_process(COMMAND ${DETENTE} dict compile --dict ${DICT} -o ${WORK}/set2.dtc
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  file(SHA256 "${WORK}/set.dtc" sum1)
  file(SHA256 "${WORK}/set2.dtc" sum2)
  if(NOT rc EQUAL 0 OR NOT sum1 STREQUAL sum2)
    message(FATAL_ERROR "two compiles of the same sources differ (${rc}): ${sum1} ${sum2}")
  endif()
  execute_process(COMMAND ${DETENTE} code -q --dict ${DICT} ${INPUT}
                  OUTPUT_VARIABLE src_out RESULT_VARIABLE rc1 ERROR_VARIABLE e1)
  execute_process(COMMAND ${DETENTE} code -q --dict ${WORK}/set.dtc ${INPUT}
                  OUTPUT_VARIABLE cache_out RESULT_VARIABLE rc2 ERROR_VARIABLE e2)
  if(NOT rc1 EQUAL 0 OR NOT rc2 EQUAL 0)
    message(FATAL_ERROR "code failed: ${rc1} ${e1} / ${rc2} ${e2}")
  endif()
  string(REGEX MATCHALL "\"code\"" events "${src_out}")
  list(LENGTH events nev)
  if(nev LESS ${MIN_EVENTS})
    message(FATAL_ERROR "only ${nev} events coded with the source dictionaries")
  endif()
  if(NOT src_out STREQUAL cache_out)
    message(FATAL_ERROR "events differ between source and cached dictionaries")
  endif()
  execute_process(COMMAND ${DETENTE} dict stats --dict-cache ${WORK}/set.dtc ${OTHER}
                  RESULT_VARIABLE rc3 OUTPUT_VARIABLE o3 ERROR_VARIABLE e3)
  if(NOT rc3 EQUAL 1 OR NOT e3 MATCHES "cache refused: the dictionary sources changed")
    message(FATAL_ERROR "stale cache not refused (${rc3}): ${o3}${e3}")
  endif()
  message(STATUS "${nev} identical events; compiles reproducible; stale cache refused")
  return()
endif()
if(CMAKE_SCRIPT_MODE_FILE)
  execute_process(COMMAND ${DETENTE} dict ${ARGS} OUTPUT_VARIABLE out ERROR_VARIABLE err
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

# Each case checks the exit status
# AND the output, so a wrong status or a missing line both fail. Cases
# reading DT_SHARED_DATA fail (not skip) when it is missing.
set(DT_DICT_DATA "${DT_SHARED_DATA}/petrarch2")

# A small clean dictionary set and a broken one, written at configure time
# into the build tree (nothing copied from the shared data).
set(DT_DICT_TMP "${CMAKE_CURRENT_BINARY_DIR}/dict_cases")
file(MAKE_DIRECTORY "${DT_DICT_TMP}/clean")
file(WRITE "${DT_DICT_TMP}/clean/test.verbs.txt"
     "&MONEY\n+DOLLAR\n\n--- GIVE [070] ---\nGIVE {GAVE GIVEN GIVING GIVES}\n- * &MONEY TO + [071]\n")
file(WRITE "${DT_DICT_TMP}/clean/test.actors.txt"
     "KOREA [KOR]\n+SEOUL\nKIM_JONG_UN\n\t[PRKGOV >20111217]\n\t[PRKELI 19840108-20111217]\n")
file(WRITE "${DT_DICT_TMP}/clean/test.agents.txt" "PRESIDENT [~GOV]\nPOLICE {} [~COP]\n")
file(WRITE "${DT_DICT_TMP}/clean/test.discards.txt" "+WORLD CUP\nBASEBALL_\n")
file(WRITE "${DT_DICT_TMP}/broken.dtx"
     "[actors]\nperson Kim Jong-un\n  term PRKGOV 2011-12-32..\n  term PRKGOV 2011-12-17..\n"
     "[verbs]\nblock GIVE 070\n  verb give\n  pattern 071: * &NOPE +\n")
file(WRITE "${DT_DICT_TMP}/broken.verbs.txt"
     "--- GIVE [070] ---\nGIVE\n- * BAD [071\n- * &NOPE [072]\n- * GOOD [073]\n")

set(DT_DICT_CASES
    # name | expected exit | regex the output must match | arguments
    "help|0|Usage: detente dict|--help"
    "builtin-check|0|0 error\\(s\\), 0 warning\\(s\\), 0 note\\(s\\) \\(strict\\)|check --strict-dicts"
    "dict-tree-check|0|0 error\\(s\\), 0 warning\\(s\\), 0 note\\(s\\) \\(strict\\)|check --strict-dicts --dict ${CMAKE_SOURCE_DIR}/dict"
    "builtin-stats|0|hash +[0-9a-f]+\n.*actors +[1-9]|stats"
    "own-broken|1|broken.dtx:3: error: bad date '2011-12-32'.*broken.dtx:8: error: synset &NOPE is not defined|check ${DT_DICT_TMP}/broken.dtx"
    "own-lookup|0|actor   KIM JONG-UN -> PRKGOV  \\(builtin:dict/actors/leaders.dtx:[0-9]+\\)|lookup --date 20190620 --text 'Kim Jong-un'"
    "unknown-sub|1|unknown 'dict' command|frobnicate"
    "clean-dir|0|0 error\\(s\\), 0 warning\\(s\\)|check --dict-dir ${DT_DICT_TMP}/clean"
    "clean-strict|0|\\(strict\\)|check --strict-dicts --dict-dir ${DT_DICT_TMP}/clean"
    "broken|1|broken.verbs.txt:3: error: unbalanced.*broken.verbs.txt:4: error: synset &NOPE is not defined|check --verbs ${DT_DICT_TMP}/broken.verbs.txt"
    "missing-file|1|cannot open|check --verbs ${DT_DICT_TMP}/no-such.verbs.txt"
    "lookup|0|actor   KIM JONG UN -> PRKGOV.*verb    GAVE -> GIVE \\[070\\]|lookup --dict-dir ${DT_DICT_TMP}/clean --date 20150101 --text 'Kim Jong Un gave dollars'"
    "lookup-old-date|0|actor   KIM JONG UN -> PRKELI|lookup --dict-dir ${DT_DICT_TMP}/clean --date 19990101 --text 'Kim Jong Un'"
    "lookup-no-text|1|lookup needs --text|lookup --dict-dir ${DT_DICT_TMP}/clean"
    "stats-clean|0|patterns +1\n.*synsets +1\n|stats --dict-dir ${DT_DICT_TMP}/clean"
    "validate-check|1|PETR.Validate.verbs.txt:81: note: unreachable pattern 'IN \\*' \\[072\\]|check --dict-dir ${DT_DICT_DATA} --verbs PETR.Validate.verbs.txt --actors PETR.Validate.actors.txt --agents PETR.Validate.agents.txt --discards PETR.Validate.discards.txt"
    "phoenix-stats|0|load_ms +[0-9.]+\n.*actors +2[0-9][0-9][0-9][0-9]\n.*patterns +1[0-9][0-9][0-9][0-9]\n|stats --dict-dir ${DT_DICT_DATA} --verbs CAMEO.verbpatterns.150430.txt --actors Phoenix.Countries.actors.txt --actors Phoenix.International.actors.txt --actors Phoenix.MilNonState.actors.txt --agents Phoenix.agents.txt --discards Phoenix.discards.txt --issues Phoenix.IssueCoding.txt")

foreach(case ${DT_DICT_CASES})
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 name)
  list(GET parts 1 want)
  list(GET parts 2 regex)
  list(GET parts 3 args)
  separate_arguments(args UNIX_COMMAND "${args}")
  add_test(NAME dict.cli.${name}
           COMMAND ${CMAKE_COMMAND} -DDETENTE=$<TARGET_FILE:detente> -DWANT=${want}
                   "-DREGEX=${regex}" "-DARGS=${args}"
                   -P ${CMAKE_CURRENT_LIST_FILE})
endforeach()

# Compiled cache round trips: the built-in set (dict/ in the sources) on a
# small text, and the full Phoenix set (symbolic links in the build tree to
# the shared files, nothing copied) on the PETRARCH2 development records.
file(MAKE_DIRECTORY "${DT_DICT_TMP}/rt-builtin" "${DT_DICT_TMP}/rt-phoenix/set")
file(WRITE "${DT_DICT_TMP}/rt-builtin/in.jsonl"
     "{\"id\":\"a\",\"date\":\"2019-06-20\",\"text\":\"Xi Jinping visited Pyongyang. "
     "North Korean officials met with South Korean officials. Kim Jong-un criticized the "
     "United States.\"}\n")
add_test(NAME dict.cache.builtin
         COMMAND ${CMAKE_COMMAND} -DROUNDTRIP=1 -DDETENTE=$<TARGET_FILE:detente>
                 -DDICT=${CMAKE_SOURCE_DIR}/dict -DWORK=${DT_DICT_TMP}/rt-builtin
                 -DINPUT=${DT_DICT_TMP}/rt-builtin/in.jsonl -DMIN_EVENTS=1
                 "-DOTHER=${DT_DICT_TMP}/clean/test.verbs.txt"
                 -P ${CMAKE_CURRENT_LIST_FILE})
foreach(f CAMEO.verbpatterns.150430.txt Phoenix.Countries.actors.txt
          Phoenix.International.actors.txt Phoenix.MilNonState.actors.txt Phoenix.agents.txt
          Phoenix.discards.txt)
  file(CREATE_LINK "${DT_DICT_DATA}/${f}" "${DT_DICT_TMP}/rt-phoenix/set/${f}" SYMBOLIC)
endforeach()
add_test(NAME dict.cache.phoenix
         COMMAND ${CMAKE_COMMAND} -DROUNDTRIP=1 -DDETENTE=$<TARGET_FILE:detente>
                 -DDICT=${DT_DICT_TMP}/rt-phoenix/set -DWORK=${DT_DICT_TMP}/rt-phoenix
                 -DINPUT=${DT_DICT_DATA}/PETR.UnitTest.dev.xml -DMIN_EVENTS=30
                 "-DOTHER=${DT_DICT_TMP}/clean/test.verbs.txt"
                 -P ${CMAKE_CURRENT_LIST_FILE})
