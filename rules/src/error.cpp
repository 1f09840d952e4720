#include "nnw/rules/error.hpp"

namespace nnw::rules {

const char* error_code_name(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::invalid_json: return "invalid_json";
    case ErrorCode::invalid_type: return "invalid_type";
    case ErrorCode::missing_field: return "missing_field";
    case ErrorCode::unknown_field: return "unknown_field";
    case ErrorCode::out_of_range: return "out_of_range";
    case ErrorCode::invalid_value: return "invalid_value";
    case ErrorCode::invalid_timestamp: return "invalid_timestamp";
    case ErrorCode::unknown_market: return "unknown_market";
    case ErrorCode::overflow: return "overflow";
    case ErrorCode::invalid_config: return "invalid_config";
  }
  return "invalid_value";
}

}  // namespace nnw::rules
