#pragma once
// Strict reading of request and configuration documents: known fields only, exact JSON
// types, integers within JavaScript's safe range. The first problem is kept as an Error whose
// field is the JSON path; later reads are no-ops, so parsers read straight through.

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "nnw/rules/calendar.hpp"
#include "nnw/rules/error.hpp"

namespace nnw::rules::json {

inline constexpr std::int64_t kSafeIntegerMax = 9007199254740991;  // 2^53 − 1

// A JSON path built on the stack as a parser descends; turned into text only on error.
struct Path {
  const Path* parent = nullptr;
  std::string_view key;
  std::size_t index = 0;
  bool is_index = false;

  Path member(std::string_view name) const { return Path{this, name, 0, false}; }
  Path element(std::size_t i) const { return Path{this, {}, i, true}; }
  std::string str() const;
};

// The root of every document (paths hold pointers to their parents, so the root must outlive them).
inline constexpr Path kDocument{};

class Reader {
 public:
  bool ok() const noexcept { return !error_.has_value(); }
  const std::optional<Error>& error() const noexcept { return error_; }
  void fail(ErrorCode code, std::string message, const Path& path);

  // The object at `value` (nullptr = absent), refusing keys outside `allowed`.
  const boost::json::object* object(const boost::json::value* value, const Path& path,
                                    std::initializer_list<std::string_view> allowed);
  // A member of `object`; nullptr when absent or null (an error when `required`).
  const boost::json::value* member(const boost::json::object* object, std::string_view key,
                                   const Path& path, bool required);

  std::int64_t integer(const boost::json::value* value, const Path& path);
  // An integer within [min, max]: out_of_range otherwise (used for configuration bounds).
  std::int64_t integer_in(const boost::json::value* value, const Path& path, std::int64_t min,
                          std::int64_t max);
  bool boolean(const boost::json::value* value, const Path& path);
  std::string_view string(const boost::json::value* value, const Path& path);
  const boost::json::array* array(const boost::json::value* value, const Path& path, std::int64_t max_size);
  UtcSeconds instant(const boost::json::value* value, const Path& path);
  Period period(const boost::json::value* value, const Path& path);
  // The index of the string among `choices`; invalid_value otherwise.
  std::size_t choice(const boost::json::value* value, const Path& path,
                     std::initializer_list<std::string_view> choices);

 private:
  std::optional<Error> error_;
};

// Parses text into `storage`-backed values; nullopt plus an invalid_json error on failure.
std::optional<boost::json::value> parse(std::string_view text, Error& error,
                                        boost::json::storage_ptr storage = {});

}  // namespace nnw::rules::json
