# Document readers through the real binary: each case generates its own bad
# (or good) input at run time and checks the exit status, the single error
# line per bad record (file + line/offset + reason) and the summary counts
# (tests/io/bad_input.sh). The PETRARCH cases read DT_SHARED_DATA and fail,
# not skip, when it is missing.
set(DT_IO_CASES utf8 json fields dates nul empty binary longline bigtext gzip-ok zstd-ok gzip-cut
    zstd-cut xml-cut xml-encoding petrarch missing text textbad output usage)
foreach(c ${DT_IO_CASES})
  add_test(NAME io.code.${c}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/io/bad_input.sh $<TARGET_FILE:detente> ${c}
                   ${DT_SHARED_DATA})
endforeach()
