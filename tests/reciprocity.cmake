# detente reciprocity (VAR over dyad series) through the CLI on the Korea
# demo corpus; the estimator itself is checked in tests/unit/test_var.c and
# tests/unit/test_reciprocity.c against simulated VARs.
add_test(NAME reciprocity.cli
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/reciprocity/cli.sh $<TARGET_FILE:detente>
                 ${CMAKE_SOURCE_DIR}/examples/korea/news.jsonl)
