# Ontology tables: data/cameo.tsv and data/roles.tsv become C arrays at
# build time, so the library never reads data/ at run time.
#
# This one file plays two parts. Included by the top-level CMakeLists.txt it
# declares the build step. Run with `cmake -P` (the build step does this) it
# validates the TSV files and writes the C source. Writing the generator in
# CMake keeps the build free of Python and of a host-compiled helper.
# Any malformed row stops the build with "file:line: reason".

if(NOT CMAKE_SCRIPT_MODE_FILE)
  set(DT_ONTOLOGY_C ${CMAKE_BINARY_DIR}/generated/ontology_tables.c)
  add_custom_command(
    OUTPUT ${DT_ONTOLOGY_C}
    COMMAND ${CMAKE_COMMAND} -DDT_ONTO_CAMEO=${CMAKE_SOURCE_DIR}/data/cameo.tsv
            -DDT_ONTO_ROLES=${CMAKE_SOURCE_DIR}/data/roles.tsv -DDT_ONTO_OUT=${DT_ONTOLOGY_C}
            -P ${CMAKE_CURRENT_LIST_FILE}
    DEPENDS ${CMAKE_SOURCE_DIR}/data/cameo.tsv ${CMAKE_SOURCE_DIR}/data/roles.tsv
            ${CMAKE_CURRENT_LIST_FILE}
    COMMENT "Generating ontology tables from data/cameo.tsv and data/roles.tsv"
    VERBATIM)
  list(APPEND DT_GENERATED_SOURCES ${DT_ONTOLOGY_C})
  return()
endif()

# ---- script mode: generator ------------------------------------------------

# Script mode starts with default (old) policies; ask for the project's.
cmake_minimum_required(VERSION 3.20)

# CMake lists are ';'-separated, and PLOVER contexts contain "; ". Read the
# file whole and hide ';' behind a control character before splitting lines.
string(ASCII 1 DT_SEMI)

function(dt_onto_read_lines path out_var)
  if(NOT EXISTS "${path}")
    message(FATAL_ERROR "${path}: cannot read ontology table")
  endif()
  file(READ "${path}" text)
  string(REPLACE ";" "${DT_SEMI}" text "${text}")
  string(REPLACE "\r" "" text "${text}")
  string(REPLACE "\n" ";" text "${text}")
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

function(dt_onto_fail path lineno reason)
  message(FATAL_ERROR "${path}:${lineno}: ${reason}")
endfunction()

# Brackets, quotes and backslashes would break CMake lists or C strings.
set(DT_LABEL_RE "^[A-Za-z0-9][-A-Za-z0-9 ,:()'/.]*$")
set(DT_WORDS_RE "^[a-z][-a-z_]*(${DT_SEMI} [a-z][-a-z_]*)*$")
set(DT_PLOVER_TYPES AGREE CONSULT SUPPORT CONCEDE COOPERATE AID RETREAT REQUEST ACCUSE REJECT
                    THREATEN PROTEST SANCTION MOBILIZE COERCE ASSAULT)

# --- cameo.tsv
dt_onto_read_lines("${DT_ONTO_CAMEO}" lines)
set(lineno 0)
set(prev "")
set(rows "")
set(nrows 0)
set(seen_codes "")
foreach(line IN LISTS lines)
  math(EXPR lineno "${lineno} + 1")
  if(line STREQUAL "" OR line MATCHES "^#")
    continue()
  endif()
  string(REPLACE "\t" ";" f "${line}")
  list(LENGTH f nf)
  if(NOT nf EQUAL 8)
    dt_onto_fail("${DT_ONTO_CAMEO}" ${lineno} "expected 8 tab-separated fields, found ${nf}")
  endif()
  list(GET f 0 code)
  list(GET f 1 label)
  list(GET f 2 root)
  list(GET f 3 quad)
  list(GET f 4 gold)
  list(GET f 5 ptype)
  list(GET f 6 pmode)
  list(GET f 7 pctx)

  if(NOT code MATCHES "^[0-9][0-9][0-9]?[0-9]?$")
    dt_onto_fail("${DT_ONTO_CAMEO}" ${lineno} "bad code '${code}' (2 to 4 digits)")
  endif()
  # Lookups binary-search the table, so it must be in strictly increasing
  # byte order; CAMEO order ("02" < "020" < "0211" < "022") is exactly that.
  if(NOT prev STREQUAL "" AND NOT prev STRLESS code)
    dt_onto_fail("${DT_ONTO_CAMEO}" ${lineno} "code ${code} is not after ${prev} (order, duplicate)")
  endif()
  string(LENGTH "${code}" digits)
  string(SUBSTRING "${code}" 0 2 prefix)
  if(NOT root STREQUAL prefix)
    dt_onto_fail("${DT_ONTO_CAMEO}" ${lineno} "root '${root}' is not the first two digits of ${code}")
  endif()
  string(REGEX REPLACE "^0" "" rootn "${root}")
  if(rootn LESS 1 OR rootn GREATER 20)
    dt_onto_fail("${DT_ONTO_CAMEO}" ${lineno} "root ${root} is outside 01-20")
  endif()
  if(digits GREATER 2)
    list(FIND seen_codes "${prefix}" at)
    if(at LESS 0)
      dt_onto_fail("${DT_ONTO_CAMEO}" ${lineno} "code ${code} comes before its root ${prefix}")
    endif()
  endif()
  if(digits EQUAL 4)
    string(SUBSTRING "${code}" 0 3 parent)
    list(FIND seen_codes "${parent}" at)
    if(at LESS 0)
      dt_onto_fail("${DT_ONTO_CAMEO}" ${lineno} "code ${code} has no parent ${parent} before it")
    endif()
  endif()
  if(rootn LESS_EQUAL 5)
    set(want_quad 1)
  elseif(rootn LESS_EQUAL 8)
    set(want_quad 2)
  elseif(rootn LESS_EQUAL 13)
    set(want_quad 3)
  else()
    set(want_quad 4)
  endif()
  if(NOT quad STREQUAL want_quad)
    dt_onto_fail("${DT_ONTO_CAMEO}" ${lineno} "quad '${quad}' for root ${root} should be ${want_quad}")
  endif()
  if(NOT gold MATCHES "^-?(10\\.0|[0-9]\\.[0-9])$")
    dt_onto_fail("${DT_ONTO_CAMEO}" ${lineno} "Goldstein '${gold}' is not -10.0 .. 10.0 with one decimal")
  endif()
  if(NOT label MATCHES "${DT_LABEL_RE}")
    dt_onto_fail("${DT_ONTO_CAMEO}" ${lineno} "label '${label}' is empty or has a character outside [-A-Za-z0-9 ,:()'/.]")
  endif()
  if(ptype STREQUAL "-")
    set(ptype "")
  else()
    list(FIND DT_PLOVER_TYPES "${ptype}" at)
    if(at LESS 0)
      dt_onto_fail("${DT_ONTO_CAMEO}" ${lineno} "unknown PLOVER type '${ptype}'")
    endif()
  endif()
  foreach(v pmode pctx)
    if(${v} STREQUAL "-")
      set(${v} "")
    elseif(NOT ${v} MATCHES "${DT_WORDS_RE}")
      dt_onto_fail("${DT_ONTO_CAMEO}" ${lineno} "PLOVER value '${${v}}' is not lower-case words joined by '; '")
    endif()
  endforeach()
  string(REPLACE "${DT_SEMI}" ";" pctx "${pctx}")

  list(APPEND seen_codes "${code}")
  set(prev "${code}")
  math(EXPR nrows "${nrows} + 1")
  string(APPEND rows "    {\"${code}\", \"${label}\", \"${ptype}\", \"${pmode}\", \"${pctx}\", ${gold}, ${rootn}, ${quad}, ${digits}},\n")
endforeach()
foreach(r RANGE 1 20)
  if(r LESS 10)
    set(r "0${r}")
  endif()
  list(FIND seen_codes "${r}" at)
  if(at LESS 0)
    message(FATAL_ERROR "${DT_ONTO_CAMEO}: root ${r} is missing")
  endif()
endforeach()

# --- roles.tsv
set(DT_ROLE_KINDS state dissent society religion intl unknown)
set(DT_ROLE_ENUMS DT_ROLE_STATE DT_ROLE_DISSENT DT_ROLE_SOCIETY DT_ROLE_RELIGION DT_ROLE_INTL
                  DT_ROLE_UNKNOWN)
dt_onto_read_lines("${DT_ONTO_ROLES}" lines)
set(lineno 0)
set(roles "")
set(seen_roles "")
foreach(line IN LISTS lines)
  math(EXPR lineno "${lineno} + 1")
  if(line STREQUAL "" OR line MATCHES "^#")
    continue()
  endif()
  string(REPLACE "\t" ";" f "${line}")
  list(LENGTH f nf)
  if(NOT nf EQUAL 3)
    dt_onto_fail("${DT_ONTO_ROLES}" ${lineno} "expected 3 tab-separated fields, found ${nf}")
  endif()
  list(GET f 0 code)
  list(GET f 1 kind)
  list(GET f 2 label)
  if(NOT code MATCHES "^[A-Z][A-Z][A-Z]$")
    dt_onto_fail("${DT_ONTO_ROLES}" ${lineno} "bad role code '${code}' (3 upper-case letters)")
  endif()
  list(FIND seen_roles "${code}" at)
  if(at GREATER_EQUAL 0)
    dt_onto_fail("${DT_ONTO_ROLES}" ${lineno} "duplicate role code ${code}")
  endif()
  list(FIND DT_ROLE_KINDS "${kind}" at)
  if(at LESS 0)
    dt_onto_fail("${DT_ONTO_ROLES}" ${lineno} "unknown role kind '${kind}'")
  endif()
  list(GET DT_ROLE_ENUMS ${at} kenum)
  if(NOT label MATCHES "${DT_LABEL_RE}")
    dt_onto_fail("${DT_ONTO_ROLES}" ${lineno} "label '${label}' is empty or has a character outside [-A-Za-z0-9 ,:()'/.]")
  endif()
  list(APPEND seen_roles "${code}")
  string(APPEND roles "    {\"${code}\", \"${label}\", ${kenum}},\n")
endforeach()
if(roles STREQUAL "")
  message(FATAL_ERROR "${DT_ONTO_ROLES}: no role codes")
endif()

file(WRITE "${DT_ONTO_OUT}.tmp"
"/* Generated by cmake/ontology.cmake from data/cameo.tsv and data/roles.tsv.
 * Do not edit: edit the TSV files. */
#include \"detente/ontology.h\"

extern const dt_cameo_entry dt__cameo_table[];
extern const size_t dt__cameo_table_len;
extern const dt_role_entry dt__role_table[];
extern const size_t dt__role_table_len;

const dt_cameo_entry dt__cameo_table[] = {
${rows}};
const size_t dt__cameo_table_len = sizeof dt__cameo_table / sizeof dt__cameo_table[0];

const dt_role_entry dt__role_table[] = {
${roles}};
const size_t dt__role_table_len = sizeof dt__role_table / sizeof dt__role_table[0];
")
# Rename so that an interrupted run never leaves a half-written source.
file(RENAME "${DT_ONTO_OUT}.tmp" "${DT_ONTO_OUT}")
