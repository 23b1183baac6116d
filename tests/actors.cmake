# The built-in state and IGO dictionaries (dict/actors/countries.dtx,
# dict/actors/igos.dtx) checked against the conventions of
# docs/actor-codes.md. This file is both the test list (included by
# tests/CMakeLists.txt) and, run with -P, the runner of one case.
cmake_policy(SET CMP0057 NEW) # IN_LIST in script mode
if(CMAKE_SCRIPT_MODE_FILE AND DEFINED ISO_CHECK)
  # Every state code must be a real ISO 3166-1 alpha-3 code (Debian's
  # iso-codes package, scripts/debian-packages.txt), so a typo such as
  # "PRT" for Palau cannot slip in; the few non-ISO codes are the ones
  # docs/actor-codes.md names (XKX) and CAMEO's region codes, listed here.
  if(NOT EXISTS "${ISO}")
    message(FATAL_ERROR "${ISO} not found: install the iso-codes package")
  endif()
  file(READ "${ISO}" iso)
  string(REGEX MATCHALL "\"alpha_3\": \"[A-Z][A-Z][A-Z]\"" iso_items "${iso}")
  set(iso_codes "")
  foreach(it ${iso_items})
    string(REGEX REPLACE ".*\"([A-Z][A-Z][A-Z])\"$" "\\1" c "${it}")
    list(APPEND iso_codes ${c})
  endforeach()
  list(LENGTH iso_codes n_iso)
  if(n_iso LESS 240)
    message(FATAL_ERROR "only ${n_iso} codes read from ${ISO}")
  endif()
  set(non_iso XKX LAM SAM NMR)

  file(STRINGS "${COUNTRIES}" lines)
  set(states "")
  set(bad "")
  foreach(line ${lines})
    if(line MATCHES "^actor ([A-Z0-9]+)")
      set(code "${CMAKE_MATCH_1}")
      string(LENGTH "${code}" len)
      string(SUBSTRING "${code}" 0 3 country)
      if(len EQUAL 3)
        if(code IN_LIST states)
          list(APPEND bad "duplicate state entry ${code}")
        endif()
        list(APPEND states ${code})
      endif()
      # A role code (RUSGOV) must start with a country and end with a
      # role of three letters.
      if(NOT len EQUAL 3 AND NOT len EQUAL 6)
        list(APPEND bad "${code}: neither a country nor country+role")
      endif()
      if(NOT country IN_LIST iso_codes AND NOT country IN_LIST non_iso)
        list(APPEND bad "${code}: ${country} is not an ISO 3166-1 alpha-3 code")
      endif()
    endif()
  endforeach()
  # Role codes must name a country that has its own entry.
  foreach(line ${lines})
    if(line MATCHES "^actor ([A-Z][A-Z][A-Z])([A-Z][A-Z][A-Z])")
      if(NOT CMAKE_MATCH_1 IN_LIST states)
        list(APPEND bad "${CMAKE_MATCH_1}${CMAKE_MATCH_2}: no entry for ${CMAKE_MATCH_1}")
      endif()
    endif()
  endforeach()
  # 193 UN members + 2 observer states + Kosovo + Taiwan, the two
  # territories (HKG, MAC) and the regions (non_iso without XKX).
  list(LENGTH states n_states)
  list(LENGTH non_iso n_non_iso)
  math(EXPR want "197 + 2 + ${n_non_iso} - 1")
  if(NOT n_states EQUAL want)
    list(APPEND bad "${n_states} state/region entries, expected ${want}")
  endif()

  file(STRINGS "${IGOS}" lines)
  set(igos "")
  foreach(line ${lines})
    if(line MATCHES "^actor ([-A-Z0-9]+)")
      set(code "${CMAKE_MATCH_1}")
      # ---GOV: the national security councils, kept apart from the UN's.
      if(NOT code MATCHES "^(IGO|NGO)[A-Z]+$" AND NOT code STREQUAL "---GOV")
        list(APPEND bad "igos.dtx: ${code} does not start with IGO or NGO")
      endif()
      if(code IN_LIST igos)
        list(APPEND bad "igos.dtx: duplicate entry ${code}")
      endif()
      list(APPEND igos ${code})
    endif()
  endforeach()
  foreach(c IGOUNO IGOUNOIAE IGOWSTNAT IGOEUREEC IGOSEAASN IGOAFRAFU IGOWTO IGOIMF IGOWBK)
    if(NOT c IN_LIST igos)
      list(APPEND bad "igos.dtx: ${c} (named in docs/actor-codes.md) has no entry")
    endif()
  endforeach()
  if(bad)
    string(REPLACE ";" "\n" bad "${bad}")
    message(FATAL_ERROR "${bad}")
  endif()
  list(LENGTH igos n_igos)
  message(STATUS "${n_states} state/region entries, ${n_igos} IGO/NGO entries")
  return()
endif()
if(CMAKE_SCRIPT_MODE_FILE)
  execute_process(COMMAND ${DETENTE} dict lookup --date 20190620 --text ${TEXT}
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "exit status ${rc}\n${out}${err}")
  endif()
  # Each expected "PHRASE=CODE" must appear as an actor line of the
  # built-in set.
  string(REPLACE "|" ";" want "${WANT}")
  foreach(w ${want})
    string(REPLACE "=" ";" pc "${w}")
    list(GET pc 0 phrase)
    list(GET pc 1 code)
    if(NOT out MATCHES "actor   ${phrase} -> ${code}  \\(builtin:dict/actors/")
      message(FATAL_ERROR "no 'actor ${phrase} -> ${code}'\n--- output:\n${out}${err}")
    endif()
  endforeach()
  # Names left out on purpose must stay out (docs in the .dtx headers).
  if(DEFINED UNWANTED)
    string(REPLACE "|" ";" unwanted "${UNWANTED}")
    foreach(u ${unwanted})
      if(out MATCHES "actor   ${u} -> ")
        message(FATAL_ERROR "'${u}' codes as an actor but is left out on purpose\n${out}")
      endif()
    endforeach()
  endif()
  return()
endif()

add_test(NAME actors.iso-codes
         COMMAND ${CMAKE_COMMAND} -DISO_CHECK=1
                 -DISO=/usr/share/iso-codes/json/iso_3166-1.json
                 -DCOUNTRIES=${CMAKE_SOURCE_DIR}/dict/actors/countries.dtx
                 -DIGOS=${CMAKE_SOURCE_DIR}/dict/actors/igos.dtx
                 -P ${CMAKE_CURRENT_LIST_FILE})

# Lookups through the real binary on the built-in set: name forms, demonym
# plurals, capitals, abbreviations, IGOs. Phrases are written as the lookup
# prints them (folded to upper case, possessives split).
set(DT_ACTOR_LOOKUPS
    # name | text | PHRASE=CODE|... | phrases that must NOT be actors
    "korea|North Koreans and S. Korea , DPRK , ROK , Pyongyang , Seoul , Democratic People 's Republic of Korea|NORTH KOREANS=PRKCVL|S. KOREA=KOR|DPRK=PRK|ROK=KOR|PYONGYANG=PRK|SEOUL=KOR|DEMOCRATIC PEOPLE 'S REPUBLIC OF KOREA=PRK|KOREA"
    "powers|Washington , U.S. , Beijing , Chinese , Moscow , Kremlin , Tokyo , Japanese , British , U.K. , Emiratis , UAE , Kyiv , Kiev , US , Americans , Pentagon , White House , car|WASHINGTON=USA|U.S.=USA|BEIJING=CHN|CHINESE=CHN|MOSCOW=RUS|KREMLIN=RUSGOV|TOKYO=JPN|JAPANESE=JPN|BRITISH=GBR|U.K.=GBR|EMIRATIS=ARECVL|UAE=ARE|KYIV=UKR|KIEV=UKR|US=USA|AMERICANS=USACVL|PENTAGON=USAMIL|WHITE HOUSE=USAGOV|CAR"
    "others|Tehran , Jerusalem , Holy See , Palestine , Kosovo , Taipei , DRC , Georgia , Côte d'Ivoire , Victoria , Kingston , Congo|TEHRAN=IRN|JERUSALEM=ISR|HOLY SEE=VAT|PALESTINE=PSE|KOSOVO=XKX|TAIPEI=TWN|DRC=COD|GEORGIA=GEO|COTE D'IVOIRE=CIV|VICTORIA|KINGSTON|CONGO"
    "igos|UN Security Council , IAEA , NATO , European Union , ASEAN , African Union , Six-Party Talks , Red Cross , International Criminal Court , who , Security Council , National Security Council , UN World Food Programme|UN SECURITY COUNCIL=IGOUNO|IAEA=IGOUNOIAE|NATO=IGOWSTNAT|EUROPEAN UNION=IGOEUREEC|ASEAN=IGOSEAASN|AFRICAN UNION=IGOAFRAFU|SIX-PARTY TALKS=IGOSPT|RED CROSS=NGOHLHIRC|INTERNATIONAL CRIMINAL COURT=IGOJUDICC|SECURITY COUNCIL=IGOUNO|NATIONAL SECURITY COUNCIL=---GOV|UN WORLD FOOD PROGRAMME=IGOUNOWFP|WHO")
foreach(case ${DT_ACTOR_LOOKUPS})
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 name)
  list(GET parts 1 text)
  list(LENGTH parts n)
  math(EXPR last "${n} - 1")
  set(want "")
  set(unwanted "")
  foreach(i RANGE 2 ${last})
    list(GET parts ${i} item)
    if(item MATCHES "=")
      list(APPEND want "${item}")
    else()
      list(APPEND unwanted "${item}")
    endif()
  endforeach()
  string(REPLACE ";" "|" want "${want}")
  string(REPLACE ";" "|" unwanted "${unwanted}")
  add_test(NAME actors.lookup.${name}
           COMMAND ${CMAKE_COMMAND} -DDETENTE=$<TARGET_FILE:detente> "-DTEXT=${text}"
                   "-DWANT=${want}" "-DUNWANTED=${unwanted}" -P ${CMAKE_CURRENT_LIST_FILE})
endforeach()
