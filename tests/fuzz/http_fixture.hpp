#pragma once
// The server pieces the HTTP fuzz target runs against: an App whose connection pool has no
// connection (handlers that need one stop at http_boundary.cpp or get 503), the real route table, and a
// token per role for the $MEMBER / $ADMIN / $SERVICE placeholders.
#include <string>
#include <utility>
#include <vector>

#include "app.hpp"
#include "http/router.hpp"

namespace nnw::fuzz {

// The member the $MEMBER token names (a lowercase uuid, as member ids are stored).
inline constexpr const char* kFuzzMemberId = "0f0e0d0c-0b0a-4908-8706-050403020100";

struct HttpFixture {
  server::App app;
  std::vector<server::Route> routes;  // the table, for the boundary's authorization check
  server::Router router;
  std::vector<std::pair<std::string, std::string>> tokens;  // placeholder → token
};

void init_http_fixture(const std::string& web_root);
HttpFixture& http_fixture();

}  // namespace nnw::fuzz
