# Event store tests through the real binary (tests/store/). They read the
# full-size dictionaries from DT_SHARED_DATA and fail, never skip, when
# something they need is missing.
set(DT_STORE_ARGS $<TARGET_FILE:detente> ${DT_SHARED_DATA} ${CMAKE_SOURCE_DIR})

# SQLite: SIGKILL mid-run, then re-run; bad targets.
add_test(NAME store.sqlite.kill COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/store/kill.sh
                                        ${DT_STORE_ARGS})
set(DT_STORE_BAD_CASES nodir readonly-db readonly-dir locked newer-schema not-a-store disk-full
    pg-unreachable pg-password-hidden bad-spec)
foreach(c ${DT_STORE_BAD_CASES})
  add_test(NAME store.bad.${c}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/store/bad.sh ${DT_STORE_ARGS} ${c})
endforeach()

# Hand-edited stores: rows that break what the readers assume.
set(DT_STORE_ROWS_CASES date goldstein quad-root actor-code missing-document missing-sentence
    span-overflow nulls-allowed)
foreach(c ${DT_STORE_ROWS_CASES})
  add_test(NAME store.rows.${c}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/store/rows.sh ${DT_STORE_ARGS} ${c})
endforeach()

# PostgreSQL: a private server started before and stopped after these.
set(DT_PG_STATE ${CMAKE_CURRENT_BINARY_DIR}/store-pg.state)
add_test(NAME store.pg.start
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/store/pg.sh start ${DT_PG_STATE})
add_test(NAME store.pg.stop
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/store/pg.sh stop ${DT_PG_STATE})
set_tests_properties(store.pg.start PROPERTIES FIXTURES_SETUP dt_pg TIMEOUT 120)
set_tests_properties(store.pg.stop PROPERTIES FIXTURES_CLEANUP dt_pg)
foreach(c basic rerun dup-in-run kill newer-schema)
  add_test(NAME store.pg.${c}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/store/pg_test.sh ${DT_STORE_ARGS}
                   ${DT_PG_STATE} ${c})
  set_tests_properties(store.pg.${c} PROPERTIES FIXTURES_REQUIRED dt_pg TIMEOUT 300)
endforeach()
set_tests_properties(store.sqlite.kill PROPERTIES TIMEOUT 300)

# Write throughput by batch size (not a test; see docs/store.md).
add_executable(dt_store_bench ${CMAKE_CURRENT_SOURCE_DIR}/store/bench_store.c)
target_compile_options(dt_store_bench PRIVATE ${DT_WARNINGS})
target_link_libraries(dt_store_bench PRIVATE detente_lib)
