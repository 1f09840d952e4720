#pragma once
// The web app's files at `/` (NNW_WEB_ROOT), for GET requests outside the API paths.

#include <optional>

#include "http/api.hpp"

namespace nnw::server {

std::optional<Response> serve_static(const RequestContext& ctx);

}  // namespace nnw::server
