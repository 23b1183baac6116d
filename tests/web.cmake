# The dashboard (web/, bundled by cmake/web.cmake): unit tests of its pure
# helpers under Node, and an end-to-end test in Debian's chromium driven by
# playwright-core against a real `detente serve` on loopback (see the top
# of tests/web/e2e.mjs). Screenshots: ${CMAKE_BINARY_DIR}/Testing/artifacts/.
add_test(NAME web.units
         COMMAND ${NODE} --test ${CMAKE_CURRENT_SOURCE_DIR}/web/units.test.mjs)

add_test(NAME web.e2e COMMAND ${NODE} ${CMAKE_CURRENT_SOURCE_DIR}/web/e2e.mjs)
set_tests_properties(web.e2e PROPERTIES
  TIMEOUT 240
  ENVIRONMENT "DT_SOURCE_DIR=${CMAKE_SOURCE_DIR};DT_BIN=$<TARGET_FILE:detente>;DT_WEB_ROOT=${CMAKE_BINARY_DIR}/web;DT_WORK_DIR=${CMAKE_BINARY_DIR}/Testing/web-e2e;DT_ARTIFACTS=${CMAKE_BINARY_DIR}/Testing/artifacts")
