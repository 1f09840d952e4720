#pragma once
// Errors a caller can cause are values, never exceptions: every rules entry point returns
// Result<T>, and the JSON boundary turns an Error into {"error":{code,message,field}}.

#include <string>
#include <utility>
#include <variant>

namespace nnw::rules {

// Stable machine codes. The JSON spelling is error_code_name(); docs/rules-api.md lists them.
enum class ErrorCode {
  invalid_json,       // the body is not JSON
  invalid_type,       // a field has the wrong JSON type
  missing_field,      // a required field is absent
  unknown_field,      // a field the operation does not take
  out_of_range,       // a number or count outside its configured bounds
  invalid_value,      // a string that is not one of the allowed values
  invalid_timestamp,  // not "YYYY-MM-DDTHH:MM:SSZ" or outside the supported years
  unknown_market,     // market code not in the configuration
  overflow,           // an amount or PV total does not fit in 64 bits
  invalid_config,     // the rules configuration itself is malformed
};

const char* error_code_name(ErrorCode code) noexcept;

struct Error {
  ErrorCode code;
  std::string message;  // for people (English, stable enough to show in logs)
  std::string field;    // JSON path of the offending input, e.g. "lines[2].quantity"; "" = body
};

// A minimal expected<T, E>: libc++ 13 (Emscripten 3.1.6) has no std::expected. The server
// uses it too, with its HTTP-aware error type (ApiResult).
template <class T, class E = Error>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}          // NOLINT: implicit by design
  Result(E error) : state_(std::move(error)) {}          // NOLINT: implicit by design

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const E& error() const& { return std::get<1>(state_); }
  E&& error() && { return std::get<1>(std::move(state_)); }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, E> state_;
};

inline Error make_error(ErrorCode code, std::string message, std::string field = {}) {
  return Error{code, std::move(message), std::move(field)};
}

}  // namespace nnw::rules
