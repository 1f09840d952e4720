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

  // The next value belongs to `name`: a field name from this codebase (plain ASCII, nothing
  // to escape), so it is appended as is — writing responses is most of a preview's cost.
  Writer& key(std::string_view name) {
    separate();
    out_.push_back('"');
    out_.append(name);
    out_.append("\":", 2);
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
    out_.push_back('"');
    std::size_t run_start = 0;  // characters needing no escape are appended a run at a time
    for (std::size_t i = 0; i < text.size(); ++i) {
      const auto byte = static_cast<unsigned char>(text[i]);
      if (byte >= 0x20 && byte != '"' && byte != '\\') continue;
      out_.append(text.data() + run_start, i - run_start);
      write_escape(byte);
      run_start = i + 1;
    }
    out_.append(text.data() + run_start, text.size() - run_start);
    out_.push_back('"');
  }

  void write_escape(unsigned char byte) {
    static constexpr char kHex[] = "0123456789abcdef";
    switch (byte) {
      case '"': out_.append("\\\""); break;
      case '\\': out_.append("\\\\"); break;
      case '\b': out_.append("\\b"); break;
      case '\f': out_.append("\\f"); break;
      case '\n': out_.append("\\n"); break;
      case '\r': out_.append("\\r"); break;
      case '\t': out_.append("\\t"); break;
      default:
        out_.append("\\u00");
        out_.push_back(kHex[byte >> 4]);
        out_.push_back(kHex[byte & 0xF]);
    }
  }

  std::string& out_;
  bool first_ = true;
};

}  // namespace nnw::rules::json
