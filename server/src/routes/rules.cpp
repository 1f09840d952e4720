// GET /v1/rules: the rules configuration and its version (cacheable by ETag).
// POST /v1/rules/preview-cart: the native rules engine on exactly the JSON the WebAssembly
// API takes, returning exactly its JSON — the cart's numbers, computed by the server.
#include "app.hpp"
#include "routes/routes.hpp"

namespace nnw::server::routes {

Response get_rules(RequestContext& ctx) {
  const std::string etag = "\"" + ctx.app.rules().version() + "\"";
  if (const auto match = ctx.header("If-None-Match"); match && *match == etag) {
    Response response = text_response(ctx, http::status::not_modified, "application/json", {});
    response.set(http::field::etag, etag);
    response.set(http::field::cache_control, "no-cache");
    return response;
  }
  Response response = json_response(ctx, http::status::ok, ctx.app.rules().describe());
  response.set(http::field::etag, etag);
  response.set(http::field::cache_control, "no-cache");  // revalidate: a new version must show at once
  return response;
}

Response preview_cart(RequestContext& ctx) {
  std::string body = ctx.app.rules().preview_cart(ctx.request.body());
  // The engine's documents are either a preview or {"error":…}; the first key tells which.
  const bool failed = body.rfind(R"({"error":)", 0) == 0;
  return json_response(ctx, failed ? http::status::bad_request : http::status::ok, std::move(body));
}

}  // namespace nnw::server::routes
