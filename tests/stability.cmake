# detente stability end to end on a synthetic stream (tests/stability/cli.sh):
# the index falls at a known turn, the change point and its drivers are
# reported, and bad region files, JSONL lines and options give FILE:LINE
# and exit 1. The algorithms have unit tests (test_stability, test_changepoint).
add_test(NAME stability.cli
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/stability/cli.sh $<TARGET_FILE:detente>)
