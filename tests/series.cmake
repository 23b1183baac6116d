# `detente series` through the real binary (tests/series/cli.sh): the same
# series from a SQLite store, a PostgreSQL store, JSONL on stdin and gzip;
# totals checked against the events; SVG; bad input gets exit 1.
foreach(c same totals svg bad-jsonl bad-db bad-args)
  add_test(NAME series.cli.${c}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/series/cli.sh $<TARGET_FILE:detente>
                   ${CMAKE_SOURCE_DIR} ${c})
endforeach()
# The PostgreSQL server of the store tests' fixture (tests/store.cmake).
add_test(NAME series.cli.pg
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/series/cli.sh $<TARGET_FILE:detente>
                 ${CMAKE_SOURCE_DIR} pg ${CMAKE_CURRENT_BINARY_DIR}/store-pg.state)
set_tests_properties(series.cli.pg PROPERTIES FIXTURES_REQUIRED dt_pg TIMEOUT 300)
