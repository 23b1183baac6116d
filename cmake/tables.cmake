# Tagger tables: Brill's lexicon and contextual rules (npm packages brill and
# en-pos, build-time only, pinned by tools/lexicon/package-lock.json) and
# WordNet morphology (Debian wordnet-base) are turned into one C source by
# tools/lexicon/gen.mjs and linked into the library. Nothing is read at run
# time. See docs/tagger.md.
find_program(NODE NAMES node nodejs)
set(DT_WORDNET_DIR "/usr/share/wordnet" CACHE PATH "WordNet dict directory (Debian wordnet-base)")
set(DT_LEXICON_DIR ${CMAKE_SOURCE_DIR}/tools/lexicon)
set(DT_LEXICON_C ${CMAKE_BINARY_DIR}/generated/dt_lexicon.c)

if(NOT NODE)
  message(FATAL_ERROR "node (Node.js) is needed at build time to generate the tagger tables; "
                      "run scripts/bootstrap build (installs nodejs/npm)")
endif()
if(NOT EXISTS ${DT_LEXICON_DIR}/node_modules/brill/package.json
   OR NOT EXISTS ${DT_LEXICON_DIR}/node_modules/en-pos/package.json)
  message(FATAL_ERROR "tools/lexicon/node_modules is missing (npm packages brill and en-pos); "
                      "run scripts/bootstrap build, which runs 'npm ci' in tools/lexicon")
endif()
if(NOT EXISTS ${DT_WORDNET_DIR}/index.noun OR NOT EXISTS ${DT_WORDNET_DIR}/verb.exc)
  message(FATAL_ERROR "WordNet files not found in ${DT_WORDNET_DIR}; "
                      "run scripts/bootstrap build (installs wordnet-base)")
endif()

set(DT_WORDNET_INPUTS)
foreach(f index.noun index.verb index.adj index.adv noun.exc verb.exc adj.exc)
  list(APPEND DT_WORDNET_INPUTS ${DT_WORDNET_DIR}/${f})
endforeach()

add_custom_command(
  OUTPUT ${DT_LEXICON_C}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/generated
  COMMAND ${NODE} ${DT_LEXICON_DIR}/gen.mjs ${DT_LEXICON_C} ${DT_WORDNET_DIR}
  DEPENDS ${DT_LEXICON_DIR}/gen.mjs ${DT_LEXICON_DIR}/closed.txt
          ${DT_LEXICON_DIR}/package-lock.json ${DT_WORDNET_INPUTS}
  WORKING_DIRECTORY ${DT_LEXICON_DIR}
  COMMENT "Generating tagger tables (Brill lexicon and rules, WordNet morphology)"
  VERBATIM)
add_custom_target(dt_lexicon_tables DEPENDS ${DT_LEXICON_C})
set_source_files_properties(${DT_LEXICON_C} PROPERTIES GENERATED TRUE)
list(APPEND DT_GENERATED_SOURCES ${DT_LEXICON_C})
list(APPEND DT_GENERATED_DEPENDS dt_lexicon_tables)
