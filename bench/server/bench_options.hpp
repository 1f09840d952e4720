#pragma once
// The integer options of the bench tools (nnw_transfer_bench, nnw_book_bench): a whole
// decimal number in [min, max], or an error that names the option and the range.

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nnw::bench {

// Stores `text` in `field` when it is an integer in [min, max]; otherwise leaves `field` and
// returns the error for `option` (as the user wrote it, "--clients").
inline std::optional<std::string> read_integer_option(std::string_view option, std::string_view text,
                                                      std::int64_t min, std::int64_t max, std::int64_t& field) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    return std::string(option) + " must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
  }
  field = value;
  return std::nullopt;
}

}  // namespace nnw::bench
