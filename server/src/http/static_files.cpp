#include "http/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app.hpp"

namespace nnw::server {

namespace {

constexpr std::uintmax_t kFileSizeMaxBytes = 16 * 1024 * 1024;

const char* content_type_for(const std::filesystem::path& path) {
  const std::string extension = path.extension().string();
  if (extension == ".html") return "text/html; charset=utf-8";
  if (extension == ".js" || extension == ".mjs") return "text/javascript; charset=utf-8";
  if (extension == ".css") return "text/css; charset=utf-8";
  if (extension == ".json") return "application/json";
  if (extension == ".wasm") return "application/wasm";
  if (extension == ".svg") return "image/svg+xml";
  if (extension == ".png") return "image/png";
  return "application/octet-stream";
}

bool is_api_path(std::string_view path) {
  return path.rfind("/v1/", 0) == 0 || path == "/v1" || path == "/healthz" || path == "/readyz" || path == "/metrics";
}

}  // namespace

std::optional<Response> serve_static(const RequestContext& ctx) {
  const std::string& root = ctx.app.settings().web_root;
  if (root.empty() || ctx.request.method() != http::verb::get) return std::nullopt;
  const std::string_view target(ctx.request.target().data(), ctx.request.target().size());
  const std::string_view path = target.substr(0, target.find('?'));
  if (is_api_path(path) || path.find("..") != std::string_view::npos) return std::nullopt;

  std::error_code ec;
  const auto base = std::filesystem::weakly_canonical(root, ec);
  auto file = std::filesystem::weakly_canonical(base / std::filesystem::path(path).relative_path(), ec);
  if (ec || file.string().rfind(base.string(), 0) != 0) return std::nullopt;
  if (std::filesystem::is_directory(file, ec)) file /= "index.html";
  if (!std::filesystem::is_regular_file(file, ec) || std::filesystem::file_size(file, ec) > kFileSizeMaxBytes) {
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  Response response = text_response(ctx, http::status::ok, content_type_for(file), body.str());
  response.set(http::field::cache_control, "no-cache");
  return response;
}

}  // namespace nnw::server
