#include "nnw/rules/json_read.hpp"

#include <algorithm>

namespace nnw::rules::json {

std::string Path::str() const {
  std::string text = parent ? parent->str() : std::string();
  if (is_index) {
    text += '[' + std::to_string(index) + ']';
  } else if (!key.empty()) {
    if (!text.empty()) text += '.';
    text.append(key);
  }
  return text;
}

void Reader::fail(ErrorCode code, std::string message, const Path& path) {
  if (!error_) error_ = Error{code, std::move(message), path.str()};
}

const boost::json::object* Reader::object(const boost::json::value* value, const Path& path,
                                          std::initializer_list<std::string_view> allowed) {
  if (!ok() || value == nullptr) return nullptr;
  const auto* object = value->if_object();
  if (object == nullptr) {
    fail(ErrorCode::invalid_type, "must be an object", path);
    return nullptr;
  }
  for (const auto& entry : *object) {
    const std::string_view name = entry.key();
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      fail(ErrorCode::unknown_field, "is not a field of this document", path.member(name));
      return nullptr;
    }
  }
  return object;
}

const boost::json::value* Reader::member(const boost::json::object* object, std::string_view key,
                                         const Path& path, bool required) {
  if (!ok() || object == nullptr) return nullptr;
  const auto* value = object->if_contains(key);
  if (value == nullptr || value->is_null()) {
    if (required) fail(ErrorCode::missing_field, "is required", path);
    return nullptr;
  }
  return value;
}

std::int64_t Reader::integer(const boost::json::value* value, const Path& path) {
  if (!ok() || value == nullptr) return 0;
  if (const auto* number = value->if_int64()) {
    if (*number > kSafeIntegerMax || *number < -kSafeIntegerMax) {
      fail(ErrorCode::out_of_range, "must be within ±9007199254740991", path);
      return 0;
    }
    return *number;
  }
  if (value->is_uint64()) {
    fail(ErrorCode::out_of_range, "must be within ±9007199254740991", path);
  } else {
    fail(ErrorCode::invalid_type, "must be an integer", path);
  }
  return 0;
}

std::int64_t Reader::integer_in(const boost::json::value* value, const Path& path, std::int64_t min,
                                std::int64_t max) {
  const std::int64_t number = integer(value, path);
  if (ok() && value != nullptr && (number < min || number > max)) {
    fail(ErrorCode::out_of_range,
         "must be between " + std::to_string(min) + " and " + std::to_string(max), path);
  }
  return number;
}

bool Reader::boolean(const boost::json::value* value, const Path& path) {
  if (!ok() || value == nullptr) return false;
  if (const auto* flag = value->if_bool()) return *flag;
  fail(ErrorCode::invalid_type, "must be true or false", path);
  return false;
}

std::string_view Reader::string(const boost::json::value* value, const Path& path) {
  if (!ok() || value == nullptr) return {};
  if (const auto* text = value->if_string()) return *text;
  fail(ErrorCode::invalid_type, "must be a string", path);
  return {};
}

const boost::json::array* Reader::array(const boost::json::value* value, const Path& path,
                                        std::int64_t max_size) {
  if (!ok() || value == nullptr) return nullptr;
  const auto* items = value->if_array();
  if (items == nullptr) {
    fail(ErrorCode::invalid_type, "must be an array", path);
    return nullptr;
  }
  if (static_cast<std::int64_t>(items->size()) > max_size) {
    fail(ErrorCode::out_of_range, "may hold at most " + std::to_string(max_size) + " items", path);
    return nullptr;
  }
  return items;
}

UtcSeconds Reader::instant(const boost::json::value* value, const Path& path) {
  const std::string_view text = string(value, path);
  if (!ok() || value == nullptr) return {};
  const auto parsed = parse_utc(text);
  if (!parsed) {
    fail(ErrorCode::invalid_timestamp, "must be a UTC instant YYYY-MM-DDTHH:MM:SSZ, years 2000-2199", path);
    return {};
  }
  return *parsed;
}

Period Reader::period(const boost::json::value* value, const Path& path) {
  const std::string_view text = string(value, path);
  if (!ok() || value == nullptr) return {};
  const auto parsed = parse_period(text);
  if (!parsed) {
    fail(ErrorCode::invalid_value, "must be a period YYYY-MM", path);
    return {};
  }
  return *parsed;
}

std::size_t Reader::choice(const boost::json::value* value, const Path& path,
                           std::initializer_list<std::string_view> choices) {
  const std::string_view text = string(value, path);
  if (!ok() || value == nullptr) return 0;
  const auto found = std::find(choices.begin(), choices.end(), text);
  if (found == choices.end()) {
    std::string allowed;
    for (const auto choice : choices) allowed.append(allowed.empty() ? "" : ", ").append(choice);
    fail(ErrorCode::invalid_value, "must be one of " + allowed, path);
    return 0;
  }
  return static_cast<std::size_t>(found - choices.begin());
}

std::optional<boost::json::value> parse(std::string_view text, Error& error, boost::json::storage_ptr storage) {
  boost::system::error_code ec;
  boost::json::parse_options options;
  options.max_depth = 16;  // every document here is shallow; deep nesting is hostile input
  auto value = boost::json::parse(text, ec, std::move(storage), options);
  if (ec) {
    error = Error{ErrorCode::invalid_json, "the body is not valid JSON", ""};
    return std::nullopt;
  }
  return value;
}

}  // namespace nnw::rules::json
