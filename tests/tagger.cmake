# Tagger accuracy on the gold parses of the PETRARCH unit-test records:
# re-tag the gold tokens and compare. The floor sits about half a point
# under the measured figure (docs/tagger.md); a missing data file fails.
add_executable(tagger_accuracy ${CMAKE_CURRENT_SOURCE_DIR}/tagger/tagger_accuracy.c)
target_compile_options(tagger_accuracy PRIVATE ${DT_WARNINGS})
target_link_libraries(tagger_accuracy PRIVATE detente_lib)
add_test(NAME tagger.accuracy
         COMMAND tagger_accuracy ${DT_SHARED_DATA}/petrarch2/PETR.UnitTest.dev.xml --floor 96.1)
