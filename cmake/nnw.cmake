# Project-wide helpers: warnings per target, sanitizers, Boost headers.

function(nnw_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wsign-conversion -Wnon-virtual-dtor -Werror=return-type)
  # GCC 12 warns -Wrestrict inside libstdc++ for `"literal" + std::string` once optimised
  # (GCC bug 105329, fixed in 13): a false positive in every release build of the tests.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
endfunction()

if(NNW_SANITIZE AND NOT EMSCRIPTEN)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()

# ThreadSanitizer: the server's threads (HTTP, workers, transfer lanes, jobs) under the same
# tests. A race it finds ends the process with exit code 66 once the test is done, so the
# test fails.
if(NNW_SANITIZE_THREAD AND NOT EMSCRIPTEN)
  if(NNW_SANITIZE)
    message(FATAL_ERROR "NNW_SANITIZE and NNW_SANITIZE_THREAD cannot be combined")
  endif()
  # -Wno-tsan: gcc 12 warns at every use of std::atomic_thread_fence, which ThreadSanitizer does
  # not model; only Boost.Asio's headers use it (atomic_count.hpp, std_fenced_block.hpp), and
  # its 144 warnings per build named no code of this project.
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer -Wno-tsan)
  add_link_options(-fsanitize=thread)
endif()

# Boost 1.81 headers (Beast, JSON header-only). In the Emscripten tree only the Boost
# directory may be on the include path: the rest of /usr/include would shadow the
# Emscripten sysroot. A directory holding a single `boost` link gives exactly that.
set(NNW_BOOST_ROOT "/usr/include" CACHE PATH "Directory containing the boost/ headers (1.81)")
set(NNW_BOOST_INCLUDE "${CMAKE_BINARY_DIR}/boost-include")
if(NOT EXISTS "${NNW_BOOST_INCLUDE}/boost")
  file(MAKE_DIRECTORY "${NNW_BOOST_INCLUDE}")
  file(CREATE_LINK "${NNW_BOOST_ROOT}/boost" "${NNW_BOOST_INCLUDE}/boost" SYMBOLIC)
endif()
if(NOT EXISTS "${NNW_BOOST_INCLUDE}/boost/json.hpp")
  message(FATAL_ERROR "Boost.JSON headers not found under ${NNW_BOOST_ROOT}; run scripts/bootstrap")
endif()
add_library(nnw_boost_headers INTERFACE)
target_include_directories(nnw_boost_headers SYSTEM INTERFACE "${NNW_BOOST_INCLUDE}")
target_compile_definitions(nnw_boost_headers INTERFACE BOOST_JSON_NO_LIB BOOST_CONTAINER_NO_LIB)
