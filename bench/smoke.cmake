# CTest script: run every benchmark stage once over a small generated
# corpus, with the output checks of dt_bench on every document (token
# spans inside the text and in order, sentences covering the tokens, tags,
# lemmas and well-formed chunks; no document may fail). Timing figures are
# printed but never compared with anything.
#   cmake -DGEN=gen_corpus -DBENCH=dt_bench -DOUT=dir [-DDEV=file.xml] -P smoke.cmake
foreach(v GEN BENCH OUT)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "smoke: -D${v}= is required")
  endif()
endforeach()
file(MAKE_DIRECTORY ${OUT})
if(DEFINED DEV AND EXISTS "${DEV}")
  set(dev_args --dev ${DEV})
else()
  set(dev_args --no-dev)
endif()
execute_process(COMMAND ${GEN} --sentences 5000 --seed 11 ${dev_args} --out ${OUT}/smoke.jsonl
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "smoke: gen_corpus failed (${rc}): ${err}")
endif()
execute_process(COMMAND ${BENCH} --repeat 1 --check 1000000 ${OUT}/smoke.jsonl
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "smoke: dt_bench failed (${rc})")
endif()
# A stage that failed on some documents prints "N documents failed".
if(out MATCHES "documents failed")
  message(FATAL_ERROR "smoke: some documents failed")
endif()
