# MPI for `detente code --mpi` (docs/scaling.md): optional. DT_MPI is ON
# when an MPI C library is found (Debian: libopenmpi-dev, openmpi-bin).
# This part runs before the targets exist, so the link is deferred to the
# end of the top-level CMakeLists.txt.
find_package(MPI COMPONENTS C QUIET)
option(DT_MPI "Build detente code --mpi (needs an MPI C library)" ${MPI_C_FOUND})
if(DT_MPI AND NOT MPI_C_FOUND)
  message(FATAL_ERROR "DT_MPI is ON but no MPI C library was found (apt install libopenmpi-dev)")
endif()
if(DT_MPI)
  message(STATUS "MPI: ${MPI_C_LIBRARIES} (detente code --mpi)")
  function(dt_mpi_link)
    target_link_libraries(detente PRIVATE MPI::MPI_C)
    target_compile_definitions(detente PRIVATE DT_HAVE_MPI=1)
  endfunction()
  cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL dt_mpi_link)
endif()
