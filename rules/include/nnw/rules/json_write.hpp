#pragma once
// A minimal JSON writer appending to one string. Responses are written field by field in a
// fixed order, so both targets emit the same bytes; string escaping matches JavaScript's
// JSON.stringify, so the WebAssembly fast path can rebuild byte-identical documents.

#include <cstdint>
#include <string>
#include <string_view>

namespace nnw::rules::json {

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  Writer& begin_object() { separate(); out_.push_back('{'); first_ = true; return *this; }
  Writer& end_object() { out_.push_back('}'); first_ = false; return *this; }
  Writer& begin_array() { separate(); out_.push_back('['); first_ = true; return *this; }
  Writer& end_array() { out_.push_back(']'); first_ = false; return *this; }

  // The next value belongs to `name`.
  Writer& key(std::string_view name) {
    separate();
    write_string(name);
    out_.push_back(':');
    first_ = true;  // the value that follows takes no comma
    return *this;
  }

  Writer& value(std::int64_t number) { separate(); append_integer(number); return *this; }
  Writer& value(bool flag) { separate(); out_.append(flag ? "true" : "false"); return *this; }
  Writer& value(std::string_view text) { separate(); write_string(text); return *this; }
  Writer& value(const char* text) { return value(std::string_view(text)); }
  Writer& null() { separate(); out_.append("null"); return *this; }
  // Already-serialized JSON (a nested document), appended as is.
  Writer& raw(std::string_view json) { separate(); out_.append(json); return *this; }

  template <class T>
  Writer& field(std::string_view name, const T& v) { key(name); return value(v); }
  Writer& null_field(std::string_view name) { key(name); return null(); }

 private:
  void separate() {
    if (!first_) out_.push_back(',');
    first_ = false;
  }

  void append_integer(std::int64_t number) {
    char buffer[24];
    char* end = buffer + sizeof buffer;
    char* p = end;
    // Work in unsigned so that INT64_MIN negates without overflow.
    std::uint64_t magnitude = number < 0 ? 0 - static_cast<std::uint64_t>(number) : static_cast<std::uint64_t>(number);
    do {
      *--p = static_cast<char>('0' + magnitude % 10);
      magnitude /= 10;
    } while (magnitude != 0);
    if (number < 0) *--p = '-';
    out_.append(p, static_cast<std::size_t>(end - p));
  }

  void write_string(std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out_.push_back('"');
    for (const char c : text) {
      const auto byte = static_cast<unsigned char>(c);
      switch (c) {
        case '"': out_.append("\\\""); break;
        case '\\': out_.append("\\\\"); break;
        case '\b': out_.append("\\b"); break;
        case '\f': out_.append("\\f"); break;
        case '\n': out_.append("\\n"); break;
        case '\r': out_.append("\\r"); break;
        case '\t': out_.append("\\t"); break;
        default:
          if (byte < 0x20) {
            out_.append("\\u00");
            out_.push_back(kHex[byte >> 4]);
            out_.push_back(kHex[byte & 0xF]);
          } else {
            out_.push_back(c);
          }
      }
    }
    out_.push_back('"');
  }

  std::string& out_;
  bool first_ = true;
};

}  // namespace nnw::rules::json
