#include "observability/log.hpp"

#include <chrono>
#include <cstdio>
#include <mutex>

#include "nnw/rules/calendar.hpp"

namespace nnw::server {

void log_event(LogLevel level, boost::json::object fields) {
  static std::mutex mutex;  // lines from many threads must not interleave
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  boost::json::object line;
  line["ts"] = nnw::rules::format_utc(now);
  line["level"] = level == LogLevel::info ? "info" : level == LogLevel::warn ? "warn" : "error";
  for (auto& field : fields) line[field.key()] = std::move(field.value());
  const std::string text = boost::json::serialize(line) + "\n";
  std::lock_guard lock(mutex);
  std::FILE* stream = level == LogLevel::info ? stdout : stderr;
  std::fwrite(text.data(), 1, text.size(), stream);
  std::fflush(stream);
}

}  // namespace nnw::server
