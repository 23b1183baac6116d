# Fuzz targets (tests/fuzz/) and their replay tests.
#
# Each target is one LLVMFuzzerTestOneInput. It is always built as
# fuzz_replay_<target> (tests/fuzz/replay_main.c drives it over the seed
# corpus tests/fuzz/corpus/<target>/, test fuzz.replay.<target>), so the
# normal suite and the ASan+UBSan build (-DDT_SANITIZE=ON) replay every
# corpus. With -DDT_FUZZ=ON and clang it is also built as the libFuzzer
# binary fuzz_<target>, and the library is instrumented for coverage.
# tests/fuzz/run_fuzz.sh runs the campaigns; docs/robustness.md has the
# figures.

# target | source | compile definition selecting what it reads
set(DT_FUZZ_TARGETS
    "jsonl|fuzz_reader.c|DT_FUZZ_FORMAT=DT_INPUT_JSONL"
    "xml|fuzz_reader.c|DT_FUZZ_FORMAT=DT_INPUT_PETRARCH_XML"
    "stream|fuzz_reader.c|DT_FUZZ_FORMAT=DT_INPUT_AUTO"
    "text|fuzz_text.c|DT_FUZZ_TEXT=1"
    "treebank|fuzz_treebank.c|DT_FUZZ_TREEBANK=1"
    "verbs|fuzz_dict.c|DT_FUZZ_DICT=DT_DICT_VERBS"
    "actors|fuzz_dict.c|DT_FUZZ_DICT=DT_DICT_ACTORS"
    "agents|fuzz_dict.c|DT_FUZZ_DICT=DT_DICT_AGENTS"
    "discards|fuzz_dict.c|DT_FUZZ_DICT=DT_DICT_DISCARDS"
    "issues|fuzz_dict.c|DT_FUZZ_DICT=DT_DICT_ISSUES"
    "own|fuzz_dict.c|DT_FUZZ_DICT=DT_DICT_OWN"
    "watch|fuzz_watch.c|DT_FUZZ_WATCH=1"
    "http|fuzz_http.c|DT_FUZZ_HTTP=1")

set(DT_FUZZ_DIR ${CMAKE_CURRENT_SOURCE_DIR}/fuzz)
set(DT_FUZZ_LIBFUZZER OFF)
if(DT_FUZZ)
  if(CMAKE_C_COMPILER_ID MATCHES "Clang")
    set(DT_FUZZ_LIBFUZZER ON)
    # Coverage feedback needs the library instrumented; the sanitizer
    # runtime then comes with it to everything that links the library.
    set(DT_FUZZ_SAN -fsanitize=address,undefined -fno-sanitize-recover=undefined)
    # -DDT_FUZZ_TRACE_CMP=OFF drops the comparison callbacks (trace-cmp)
    # and keeps the edge counters. In the dictionary targets those
    # callbacks took 64-70% of the CPU time (loop bounds, sort keys and
    # word ids, rarely input bytes), and without them the same inputs ran
    # about 3 times as fast and reached the same cov and ft after the same
    # number of executions (docs/robustness.md, eighth session).
    set(DT_FUZZ_COV -fsanitize=fuzzer-no-link)
    if(NOT DT_FUZZ_TRACE_CMP)
      list(APPEND DT_FUZZ_COV -fno-sanitize-coverage=trace-cmp)
    endif()
    target_compile_options(detente_lib PRIVATE ${DT_FUZZ_COV} ${DT_FUZZ_SAN}
                           -fno-omit-frame-pointer -g)
    target_link_options(detente_lib INTERFACE -fsanitize=address,undefined)
  else()
    message(WARNING "DT_FUZZ=ON needs clang (CMAKE_C_COMPILER=clang); "
                    "building only the replay drivers")
  endif()
endif()

foreach(entry ${DT_FUZZ_TARGETS})
  string(REPLACE "|" ";" parts "${entry}")
  list(GET parts 0 name)
  list(GET parts 1 src)
  list(GET parts 2 def)

  add_executable(fuzz_replay_${name} ${DT_FUZZ_DIR}/replay_main.c ${DT_FUZZ_DIR}/fuzz_common.c
                                     ${DT_FUZZ_DIR}/${src})
  target_compile_definitions(fuzz_replay_${name} PRIVATE ${def})
  target_compile_options(fuzz_replay_${name} PRIVATE ${DT_WARNINGS})
  target_link_libraries(fuzz_replay_${name} PRIVATE detente_lib)
  # (src/ for the internal checks a target makes, as the unit tests)
  target_include_directories(fuzz_replay_${name} PRIVATE ${CMAKE_SOURCE_DIR}/src)
  add_test(NAME fuzz.replay.${name}
           COMMAND fuzz_replay_${name} ${DT_FUZZ_DIR}/corpus/${name})
  # The text and treebank targets code with the PETRARCH validation
  # dictionaries when they are there, else with their built-in ones.
  # A replay takes seconds; the timeout makes a saved hang fail quickly.
  set_tests_properties(fuzz.replay.${name} PROPERTIES TIMEOUT 300
    ENVIRONMENT "DT_SHARED_DATA=${DT_SHARED_DATA}")

  if(DT_FUZZ_LIBFUZZER)
    add_executable(fuzz_${name} ${DT_FUZZ_DIR}/fuzz_common.c ${DT_FUZZ_DIR}/${src})
    target_compile_definitions(fuzz_${name} PRIVATE ${def})
    target_compile_options(fuzz_${name} PRIVATE ${DT_WARNINGS} -fsanitize=fuzzer ${DT_FUZZ_SAN}
                           -fno-omit-frame-pointer -g)
    if(NOT DT_FUZZ_TRACE_CMP)
      target_compile_options(fuzz_${name} PRIVATE -fno-sanitize-coverage=trace-cmp)
    endif()
    target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer ${DT_FUZZ_SAN})
    target_link_libraries(fuzz_${name} PRIVATE detente_lib)
    target_include_directories(fuzz_${name} PRIVATE ${CMAKE_SOURCE_DIR}/src)
  endif()
endforeach()
