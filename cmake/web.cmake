# The web dashboard (web/: a Vite project with uPlot and Cytoscape.js, see
# docs/dashboard.md) is bundled into ${CMAKE_BINARY_DIR}/web at build time,
# and `detente serve` serves that directory by default. The npm packages
# are pinned by web/package-lock.json and installed with `npm ci` when
# web/node_modules is missing (scripts/bootstrap does the same up front);
# nothing is fetched at run time and nothing comes from a CDN.
find_program(NODE NAMES node nodejs)
find_program(NPM NAMES npm)
if(NOT NODE OR NOT NPM)
  message(FATAL_ERROR "node and npm are needed at build time to bundle the web dashboard; "
                      "run scripts/bootstrap build (installs nodejs/npm)")
endif()

set(DT_WEB_DIR ${CMAKE_SOURCE_DIR}/web)
set(DT_WEB_OUT ${CMAKE_BINARY_DIR}/web)
# npm ci writes this hidden lock file last, so its presence means a complete
# install of the current lock file.
set(DT_WEB_STAMP ${DT_WEB_DIR}/node_modules/.package-lock.json)

file(GLOB_RECURSE DT_WEB_SOURCES CONFIGURE_DEPENDS
     ${DT_WEB_DIR}/src/* ${DT_WEB_DIR}/public/*)
list(APPEND DT_WEB_SOURCES ${DT_WEB_DIR}/index.html ${DT_WEB_DIR}/vite.config.js
     ${DT_WEB_DIR}/package.json)

add_custom_command(
  OUTPUT ${DT_WEB_STAMP}
  COMMAND ${NPM} ci --no-audit --no-fund --loglevel=error
  DEPENDS ${DT_WEB_DIR}/package-lock.json
  WORKING_DIRECTORY ${DT_WEB_DIR}
  COMMENT "Installing the dashboard's npm packages (npm ci in web/)"
  VERBATIM)
add_custom_command(
  OUTPUT ${DT_WEB_OUT}/index.html
  COMMAND ${CMAKE_COMMAND} -E env DT_WEB_OUT=${DT_WEB_OUT}
          ${NODE} ${DT_WEB_DIR}/node_modules/vite/bin/vite.js build --logLevel warn
  DEPENDS ${DT_WEB_SOURCES} ${DT_WEB_STAMP}
  WORKING_DIRECTORY ${DT_WEB_DIR}
  COMMENT "Bundling the web dashboard (vite build) into ${DT_WEB_OUT}"
  VERBATIM)
add_custom_target(dt_web ALL DEPENDS ${DT_WEB_OUT}/index.html)

# The parts in cmake/ are read before the library target exists, so the
# server's default web root is attached once the top-level file is done.
cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL
               target_compile_definitions detente_lib PUBLIC
               "DT_WEB_ROOT_DEFAULT=\"${DT_WEB_OUT}\"")
