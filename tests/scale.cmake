# Threads (and, with DT_MPI, MPI ranks) give the same results as one
# process on one thread (tests/scale/). Label "tsan": the threaded paths,
# run again by the ThreadSanitizer build (scripts/bootstrap test).
# ThreadSanitizer runs 5-15 times slower: a smaller corpus there.
if(DT_TSAN)
  set(DT_SCALE_SENTENCES 2000)
else()
  set(DT_SCALE_SENTENCES 6000)
endif()
add_test(NAME scale.threads
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/scale/threads.sh $<TARGET_FILE:detente>
                 $<TARGET_FILE:gen_corpus> ${DT_SHARED_DATA} ${DT_SCALE_SENTENCES})
set_tests_properties(scale.threads PROPERTIES LABELS "tsan" TIMEOUT 900)

# MPI: 4 ranks on this machine against one process (cmake/mpi.cmake).
if(DT_MPI)
  add_test(NAME scale.mpi
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/scale/mpi.sh $<TARGET_FILE:detente>
                   $<TARGET_FILE:gen_corpus> ${DT_SHARED_DATA} ${DT_SCALE_SENTENCES})
  set_tests_properties(scale.mpi PROPERTIES LABELS "mpi" TIMEOUT 900)
endif()
