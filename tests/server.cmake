# HTTP API tests (tests/server/): a real `detente serve` on a loopback port
# the kernel picks, driven by a small C client over raw sockets (so that
# malformed requests arrive exactly as written) and checked against the
# store read directly with SQLite. The store is coded from the examples in
# the repository by the fixture test server.store.
#
# Labelled "tsan": the ThreadSanitizer configuration (-DDT_TSAN=ON) runs
# them with `ctest -L tsan`.
set(DT_SERVER_WORK ${CMAKE_CURRENT_BINARY_DIR}/server-work)
set(DT_SERVER_DB ${DT_SERVER_WORK}/events.db)

add_executable(server_test ${CMAKE_CURRENT_SOURCE_DIR}/server/server_test.c)
target_compile_options(server_test PRIVATE ${DT_WARNINGS})
target_link_libraries(server_test PRIVATE PkgConfig::JANSSON PkgConfig::SQLITE3
                      Threads::Threads)

add_test(NAME server.store
         COMMAND sh -c "mkdir -p '${DT_SERVER_WORK}' && rm -f '${DT_SERVER_DB}' '${DT_SERVER_DB}-wal' '${DT_SERVER_DB}-shm' && exec \"$0\" code --quiet --output 'sqlite:${DT_SERVER_DB}' '${CMAKE_SOURCE_DIR}/examples/demo/news.jsonl' '${CMAKE_SOURCE_DIR}/examples/korea/news.jsonl'"
                 $<TARGET_FILE:detente>)
set_tests_properties(server.store PROPERTIES FIXTURES_SETUP dt_server_store LABELS tsan)

foreach(g api http static load analysis)
  add_test(NAME server.${g}
           COMMAND server_test $<TARGET_FILE:detente> ${DT_SERVER_DB} ${DT_SERVER_WORK}/${g} ${g}
                   ${CMAKE_SOURCE_DIR})
  set_tests_properties(server.${g} PROPERTIES FIXTURES_REQUIRED dt_server_store
                       LABELS tsan TIMEOUT 300)
endforeach()

# The benchmark's store generator (bench/serve.sh; not a test).
add_executable(serve_gen_store ${CMAKE_SOURCE_DIR}/bench/serve_gen_store.c)
target_compile_options(serve_gen_store PRIVATE ${DT_WARNINGS})
target_link_libraries(serve_gen_store PRIVATE detente_lib)
