#pragma once
// Structured logs: one JSON object per line on stdout (errors on stderr), written whole.

#include <boost/json.hpp>

namespace nnw::server {

enum class LogLevel { info, warn, error };

void log_event(LogLevel level, boost::json::object fields);

}  // namespace nnw::server
