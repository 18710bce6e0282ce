# Test helpers shared by every component.
#   zpo_add_unit_test(name SOURCES ... LIBS ...)         GoogleTest, label "unit"; also built by target unit_tests,
#                                                       which the sanitizer build runs.
#   zpo_add_gtest(name LABEL l SOURCES ... LIBS ... [TIMEOUT s])  GoogleTest with another label (integration, e2e).
# Every test case gets a CTest TIMEOUT (default 120 s) so a hung server cannot stall the suite.
include(GoogleTest)

if(NOT TARGET unit_tests)
  add_custom_target(unit_tests)
endif()

function(zpo_add_gtest name)
  cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "SOURCES;LIBS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gmock GTest::gtest_main Threads::Threads)
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 120
                       PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT})
endfunction()

function(zpo_add_unit_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  zpo_add_gtest(${name} LABEL unit SOURCES ${ARG_SOURCES} LIBS ${ARG_LIBS})
  add_dependencies(unit_tests ${name})
endfunction()
