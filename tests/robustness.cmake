# Robustness tests through the real binary (tests/robustness/):
#   robustness.alloc.*  allocation fault injection (DT_FAIL_ALLOC=N stepped
#                       through a whole run), leaks checked by LeakSanitizer
#                       in sanitizer builds, else by valgrind with a stride;
#   robustness.io.*     output errors: full disk, file size limit, closed pipe;
#   robustness.bad.*    bad-input classes not covered by tests/io.cmake and
#                       tests/dict.cmake (see docs/robustness.md).
# All read the PETRARCH validation dictionaries from DT_SHARED_DATA and fail,
# not skip, when they are missing.
set(DT_ROB_DIR ${CMAKE_CURRENT_SOURCE_DIR}/robustness)

if(DT_SANITIZE OR (DT_FUZZ AND CMAKE_C_COMPILER_ID MATCHES "Clang"))
  # Every other allocation: about 170 runs of a sanitized binary.
  set(DT_TORTURE_MODE lsan)
  set(DT_TORTURE_STRIDE 2)
else()
  find_program(DT_VALGRIND valgrind)
  if(DT_VALGRIND)
    # valgrind costs seconds per run: sample every 31st allocation (the
    # sanitizer build, which CI also runs, covers every second one).
    set(DT_TORTURE_MODE valgrind)
    set(DT_TORTURE_STRIDE 31)
  else()
    set(DT_TORTURE_MODE none)
    set(DT_TORTURE_STRIDE 1)
  endif()
endif()

foreach(what code validate)
  add_test(NAME robustness.alloc.${what}
           COMMAND bash ${DT_ROB_DIR}/alloc_torture.sh $<TARGET_FILE:detente> ${DT_SHARED_DATA}
                   ${what} ${DT_TORTURE_MODE} ${DT_TORTURE_STRIDE})
  set_tests_properties(robustness.alloc.${what} PROPERTIES TIMEOUT 1200)
endforeach()

foreach(c devfull efbig efbig-signal epipe epipe-ignored stdin-dir)
  add_test(NAME robustness.io.${c}
           COMMAND bash ${DT_ROB_DIR}/io_errors.sh $<TARGET_FILE:detente> ${DT_SHARED_DATA} ${c})
endforeach()

if(EXISTS ${DT_ROB_DIR}/bad_input_more.sh)
  set(DT_ROB_BAD_CASES xml-entities xml-deep json-deep json-nul-key huge-token long-sentence
      many-sentences treebank-deep dict-recursive-synset dict-actor-dates dict-agent-subst
      dict-markers dict-binary dict-empty)
  foreach(c ${DT_ROB_BAD_CASES})
    add_test(NAME robustness.bad.${c}
             COMMAND bash ${DT_ROB_DIR}/bad_input_more.sh $<TARGET_FILE:detente> ${DT_SHARED_DATA}
                     ${c})
  endforeach()
endif()
