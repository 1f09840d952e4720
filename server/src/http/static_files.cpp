#include "http/static_files.hpp"

#include <chrono>
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

// gzip is refused only by a zero quality ("gzip;q=0", "gzip;q=0.000"); its parameters run
// to the next comma.
bool accepts_gzip(const RequestContext& ctx) {
  const auto header = ctx.header("Accept-Encoding");
  if (!header) return false;
  const auto at = header->find("gzip");
  if (at == std::string_view::npos) return false;
  std::string_view params = header->substr(at + 4);
  params = params.substr(0, params.find(','));
  const auto q = params.find("q=");
  if (q == std::string_view::npos) return true;
  std::string_view quality = params.substr(q + 2);
  quality = quality.substr(0, quality.find(';'));
  return quality.find_first_not_of("0. ") != std::string_view::npos;
}

bool is_small_file(const std::filesystem::path& file) {
  std::error_code ec;
  return std::filesystem::is_regular_file(file, ec) && std::filesystem::file_size(file, ec) <= kFileSizeMaxBytes && !ec;
}

// Weak validator from the size and modification time of the bytes sent.
std::string etag_for(const std::filesystem::path& sent, bool gzipped) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(sent, ec);
  const auto mtime = std::filesystem::last_write_time(sent, ec).time_since_epoch();
  const auto mtime_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(mtime).count();
  std::ostringstream tag;
  tag << "W/\"" << std::hex << size << '-' << mtime_ns << (gzipped ? "-gz" : "") << '"';
  return tag.str();
}

}  // namespace

// A file with a precompressed sibling (NAME.gz, made by web/build-app.mjs) is sent gzipped to
// clients that accept it, with Content-Encoding and Vary; every file carries an ETag so the
// "no-cache" revalidation after the first load costs a 304, not the file.
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
  if (!is_small_file(file)) return std::nullopt;

  std::filesystem::path gzipped = file;
  gzipped += ".gz";
  const bool has_gzip = is_small_file(gzipped);
  const bool send_gzip = has_gzip && accepts_gzip(ctx);
  const std::filesystem::path& sent = send_gzip ? gzipped : file;
  const std::string etag = etag_for(sent, send_gzip);

  Response response = [&] {
    if (const auto match = ctx.header("If-None-Match"); match && *match == etag) {
      return text_response(ctx, http::status::not_modified, content_type_for(file), {});
    }
    std::ifstream in(sent, std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    return text_response(ctx, http::status::ok, content_type_for(file), body.str());
  }();
  response.set(http::field::cache_control, "no-cache");
  response.set(http::field::etag, etag);
  if (has_gzip) response.set(http::field::vary, "Accept-Encoding");
  if (send_gzip) response.set(http::field::content_encoding, "gzip");
  return response;
}

}  // namespace nnw::server
