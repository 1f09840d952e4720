// Fuzzes the server's HTTP request handling with raw bytes off the wire, as deep as it goes
// without a database: Beast's request parser with the server's header and body limits
// (server/src/http/server.cpp), then for each complete request the steps of `respond`:
// parse_query, serve_static (over a throwaway web root) and Router::handle with the real
// route table, authentication (HS256 JWT) and role checks. Handlers that need PostgreSQL
// end at the database boundary (http_boundary.cpp); the pure ones (rules) run for real.
//
// The placeholders $MEMBER, $ADMIN and $SERVICE in the input are replaced by valid tokens of
// those roles, so the fuzzer reaches what lies behind authentication.
#include <unistd.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "http_fixture.hpp"
#include "http/static_files.hpp"

namespace {

namespace bj = boost::json;
namespace http = boost::beast::http;
using nnw::fuzz::check;
using nnw::server::Request;
using nnw::server::RequestContext;
using nnw::server::Response;

// server.cpp's kHeaderLimitBytes; the body limit is Settings' default.
constexpr std::size_t kHeaderLimitBytes = 16 * 1024;
// Pipelined requests handled per input: bounds the work one input can ask for.
constexpr int kRequestsPerInputMax = 8;
constexpr std::string_view kSecretOutsideRoot = "SECRET-OUTSIDE-THE-WEB-ROOT";

std::string substitute_tokens(std::string_view input, const nnw::fuzz::HttpFixture& fixture) {
  std::string out;
  out.reserve(input.size());
  for (std::size_t i = 0; i < input.size();) {
    bool replaced = false;
    for (const auto& [placeholder, token] : fixture.tokens) {
      if (input.substr(i, placeholder.size()) == placeholder) {
        out += token;
        i += placeholder.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out += input[i++];
  }
  return out;
}

// Whether the request itself carries `text`, in its target, a header or its body.
bool carries(const Request& request, std::string_view text) {
  const auto holds = [text](const auto& part) {
    return std::string_view(part.data(), part.size()).find(text) != std::string_view::npos;
  };
  if (holds(request.target()) || holds(request.body())) return true;
  for (const auto& field : request) {
    if (holds(field.name_string()) || holds(field.value())) return true;
  }
  return false;
}

// from_web_root: the response is serve_static's, a file's bytes. Such a response holding the
// file outside the root's text served that file. Any other response may echo what the request
// sent (an error naming an unknown JSON member, say), and the fuzzer learns the text from this
// very comparison: there only a text the request did not carry is a leak.
void check_response(const RequestContext& ctx, const Response& response, bool from_web_root) {
  const std::string body = response.body();
  if (from_web_root || !carries(ctx.request, kSecretOutsideRoot)) {
    check(body.find(kSecretOutsideRoot) == std::string::npos, "a file outside the web root was served");
  }
  check(response.result() != http::status::internal_server_error, "a request made the server fail (500)", body);
  const auto request_id = response.find("X-Request-Id");
  check(request_id != response.end() && request_id->value() == ctx.request_id, "a response without its request id");
  if (response.result() == http::status::not_modified) return;
  const auto length = response.find(http::field::content_length);
  check(length != response.end() && length->value() == std::to_string(body.size()), "Content-Length is not the body's");
  const auto type = response.find(http::field::content_type);
  if (type == response.end() || type->value() != "application/json") return;
  boost::system::error_code ec;
  const bj::value document = bj::parse(body, ec);
  check(!ec && document.is_object(), "a JSON response that is not a JSON object", body);
  if (response.result_int() < 400) return;
  const bj::value* error = document.get_object().if_contains("error");
  check(error != nullptr && error->is_object(), "an error response without an error object", body);
  for (const char* key : {"code", "message", "field", "request_id"}) {
    // docs/server.md: preview-cart answers with the rules engine's own error document,
    // byte for byte the WebAssembly API's, which carries no request_id.
    if (std::string_view(key) == "request_id" && ctx.route == "/v1/rules/preview-cart") continue;
    check(error->get_object().contains(key) && error->get_object().at(key).is_string(),
          "an error object without a string member", key);
  }
}

void handle(const Request& request) {
  nnw::fuzz::HttpFixture& fixture = nnw::fuzz::http_fixture();
  RequestContext ctx{request, fixture.app, "fuzz-request", {}, {}, {}, {}, fixture.app.now()};
  const std::string_view target(request.target().data(), request.target().size());
  ctx.query = nnw::server::parse_query(target);
  if (auto file = nnw::server::serve_static(ctx)) {
    check_response(ctx, *file, true);
    return;
  }
  check_response(ctx, fixture.router.handle(ctx), false);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // The web root: two files, a symlink pointing out of it, and a file beside it that must
  // never be served.
  char pattern[] = "/tmp/nnw-fuzz-web-XXXXXX";
  const char* dir = ::mkdtemp(pattern);
  if (dir == nullptr) std::abort();
  const std::filesystem::path base(dir);
  std::filesystem::create_directories(base / "web" / "assets");
  std::ofstream(base / "web" / "index.html") << "<!doctype html><title>NN Wallet</title>";
  std::ofstream(base / "web" / "assets" / "app.js") << "export const ok = true;";
  std::ofstream(base / "secret.txt") << kSecretOutsideRoot;
  std::filesystem::create_symlink(base / "secret.txt", base / "web" / "link.txt");
  nnw::fuzz::init_http_fixture((base / "web").string());
  static const std::string root = base.string();
  std::atexit([] { std::error_code ignored; std::filesystem::remove_all(root, ignored); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes = substitute_tokens(std::string_view(reinterpret_cast<const char*>(data), size),
                                              nnw::fuzz::http_fixture());
  std::string_view rest(bytes);
  for (int handled = 0; handled < kRequestsPerInputMax && !rest.empty(); ++handled) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kHeaderLimitBytes);
    parser.body_limit(nnw::fuzz::http_fixture().app.settings().body_limit_bytes);
    parser.eager(true);
    boost::system::error_code ec;
    // Eager, so one put goes as far as the bytes allow. need_more means the input ended
    // mid-message: Beast's read loop would call put again only with more bytes appended
    // (basic_parser asserts as much), and here no more come.
    while (!rest.empty() && !parser.is_done()) {
      const std::size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
      rest.remove_prefix(used);
      if (ec) break;
    }
    // A message cut short (the connection closed), a body over the limit (the server answers
    // 413 and closes) or bytes that are not HTTP: the server stops reading this connection.
    if (ec || !parser.is_done()) return 0;
    const Request request = parser.release();
    handle(request);
    if (!request.keep_alive()) return 0;
  }
  return 0;
}
