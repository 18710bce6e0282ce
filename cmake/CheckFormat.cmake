# Fails when a C++ source under the project's own folders is not formatted with .clang-format.
file(GLOB_RECURSE sources
     ${ROOT}/src/*.cpp ${ROOT}/src/*.hpp ${ROOT}/controller/*.cpp ${ROOT}/controller/*.hpp
     ${ROOT}/emulators/*.cpp ${ROOT}/emulators/*.hpp ${ROOT}/tests/*.cpp ${ROOT}/tests/*.hpp
     ${ROOT}/bench/*.cpp ${ROOT}/bench/*.hpp)
set(bad "")
foreach(f ${sources})
  execute_process(COMMAND ${CLANG_FORMAT} --dry-run -Werror ${f} RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(NOT rc EQUAL 0)
    list(APPEND bad ${f})
  endif()
endforeach()
if(bad)
  message(FATAL_ERROR "not clang-formatted (run: clang-format -i FILE):\n${bad}")
endif()
list(LENGTH sources n)
message(STATUS "${n} sources formatted")
