# The dashboard (web/, bundled by cmake/web.cmake): unit tests of its pure
# helpers (UTF-8 byte spans, period arithmetic) under Node's test runner.
add_test(NAME web.units
         COMMAND ${NODE} --test ${CMAKE_CURRENT_SOURCE_DIR}/web/units.test.mjs)
