# detente report over a store coded from the Korea demo corpus, with the
# built-in dictionaries: the sections are there and the evidence of the
# window holds sentences from it.
add_test(NAME report.korea
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/report/korea.sh $<TARGET_FILE:detente>
                 ${CMAKE_SOURCE_DIR}/examples/korea/news.jsonl)
add_test(NAME report.not-a-store
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/report/not_a_store.sh $<TARGET_FILE:detente>)
add_test(NAME report.progress-line
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/report/progress.sh $<TARGET_FILE:detente>
                 ${CMAKE_SOURCE_DIR}/examples/korea/news.jsonl)
