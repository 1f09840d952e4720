// Boost.JSON compiled header-only into the rules library, identically in the native and the
// Emscripten tree (Debian ships no Boost.JSON library for Emscripten). Anything linking
// nnw::rules gets Boost.JSON from here and must not link Boost::json as well.
#include <boost/json/src.hpp>
