# detente watch (docs/watch.md): pipeline and store give the same breaches,
# the breaches are the ones the rules call for, bad rule files report every
# error by line; breaches are streamed before the input ends.
add_test(NAME watch.cli
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/watch/cli.sh $<TARGET_FILE:detente>
                 ${CMAKE_CURRENT_SOURCE_DIR}/watch)
add_test(NAME watch.live
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/watch/live.sh $<TARGET_FILE:detente>
                 ${CMAKE_CURRENT_SOURCE_DIR}/watch)
add_test(NAME watch.korea-rules
         COMMAND $<TARGET_FILE:detente> watch ${CMAKE_SOURCE_DIR}/examples/korea/watches.txt
                 ${CMAKE_CURRENT_SOURCE_DIR}/watch/empty.jsonl)
set_tests_properties(watch.live PROPERTIES TIMEOUT 300)
