#include "notify/email.hpp"

#include <array>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "crypto/base64.hpp"

namespace nnw::server::notify {

namespace {

constexpr std::string_view kSignature =
    "\r\n"
    "— NN Wallet\r\n"
    "Este es un aviso automático; por favor no respondas a este correo.\r\n";

// The payload's fields, each read once; the first missing or mistyped field is reported.
class Payload {
 public:
  explicit Payload(const boost::json::object& object) : object_(object) {}
  std::int64_t integer(std::string_view name) {
    const auto* value = object_.if_contains(name);
    if (value != nullptr && value->is_int64()) return value->as_int64();
    fail(name);
    return 0;
  }
  std::string text(std::string_view name) {
    const auto* value = object_.if_contains(name);
    if (value != nullptr && value->is_string()) return std::string(value->as_string());
    fail(name);
    return {};
  }
  std::optional<std::string> optional_text(std::string_view name) const {
    const auto* value = object_.if_contains(name);
    if (value == nullptr || !value->is_string() || value->as_string().empty()) return std::nullopt;
    return std::string(value->as_string());
  }
  // A non-empty array of strings.
  std::vector<std::string> texts(std::string_view name) {
    std::vector<std::string> out;
    const auto* value = object_.if_contains(name);
    if (value != nullptr && value->is_array()) {
      for (const auto& item : value->as_array()) {
        if (!item.is_string()) {
          out.clear();
          break;
        }
        out.emplace_back(item.as_string());
      }
    }
    if (out.empty()) fail(name);
    return out;
  }
  std::string money(std::string_view amount_field) {
    const std::int64_t cents = integer(amount_field);
    return format_money(cents, text("currency"));
  }
  void refuse(std::string why) {
    if (!missing_) missing_ = std::move(why);
  }
  const std::optional<std::string>& missing() const { return missing_; }

 private:
  void fail(std::string_view name) { refuse("the payload lacks " + std::string(name)); }
  const boost::json::object& object_;
  std::optional<std::string> missing_;
};

// "a", "a y b", "a, b y c", each item shown by `show`.
template <class Show>
std::string spanish_list(const std::vector<std::string>& items, Show show) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " y " : ", ";
    out += show(items[i]);
  }
  return out;
}

// Free text from people (a rejection reason) on its own lines: CRLF endings, no controls.
std::string body_safe(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (c == '\n' || c == '\r') out += "\r\n";
    else if (c < 0x20 || c == 0x7f) out += ' ';
    else out += static_cast<char>(c);
  }
  return out;
}

EmailText withdrawal_text(Payload& p) {
  const std::string status = p.text("status");
  const std::string amount = p.money("amount_cents");
  const std::string number = "#" + std::to_string(p.integer("withdrawal_id"));
  if (status == "PAGADO") {
    return {"Pagamos tu retiro de " + amount,
            "Tu retiro " + number + " por " + amount + " ya fue pagado a tu cuenta bancaria.\r\n"
            "Referencia del pago: " + body_safe(p.text("bank_reference")) + "\r\n"};
  }
  if (status == "RECHAZADO") {
    return {"Tu retiro de " + amount + " fue rechazado",
            "Tu retiro " + number + " por " + amount + " fue rechazado.\r\n"
            "Motivo: " + body_safe(p.text("reason")) + "\r\n\r\n"
            "El monto regresó a tu saldo de NN Wallet.\r\n"};
  }
  if (status == "CANCELADO") {
    return {"Tu retiro de " + amount + " fue cancelado",
            "Tu retiro " + number + " por " + amount + " fue cancelado y el monto regresó a tu saldo de NN Wallet.\r\n"};
  }
  p.refuse("the payload's status is not PAGADO, RECHAZADO or CANCELADO");
  return {};
}

EmailText kind_text(std::string_view kind, Payload& p) {
  if (kind == "COMMISSION_DEPOSITED") {
    // One notice per member per deposit run (migration 0015): the run's commissions summed.
    const std::int64_t count = p.integer("commissions");
    const std::string amount = p.money("amount_cents");
    const std::string bonuses = spanish_list(p.texts("bonus_types"), body_safe);
    const std::string periods = spanish_list(p.texts("periods"), period_in_spanish);
    if (count < 1) p.refuse("the payload's commissions is not positive");
    const std::string what = count == 1 ? "tu comisión " + bonuses
                                        : std::to_string(count) + " comisiones (" + bonuses + ")";
    return {count == 1 ? "Depositamos tu comisión de " + amount
                       : "Depositamos tus " + std::to_string(count) + " comisiones: " + amount,
            "Depositamos " + amount + " en tu monedero NN Wallet: " + what + " de " + periods + ".\r\n\r\n"
            "Puedes usar tu saldo en la tienda, transferirlo o retirarlo a tu cuenta bancaria.\r\n"};
  }
  if (kind == "CASHBACK_UNLOCKED") {
    const std::string amount = p.money("value_cents");
    const std::string period = period_in_spanish(p.text("period"));
    return {"¡Desbloqueaste un cashback de " + amount + "!",
            "Con tus compras de " + period + " desbloqueaste un cashback de " + amount + ".\r\n\r\n"
            "Úsalo en tus compras antes de que termine " + period + ".\r\n"};
  }
  if (kind == "CASHBACK_EXPIRING") {
    const std::string amount = p.money("value_cents");
    const std::string period = period_in_spanish(p.text("period"));
    p.text("expires_at");
    return {"Tu cashback de " + amount + " vence en menos de 3 días",
            "Tu cashback de " + amount + " de " + period + " vence al terminar " + period + ".\r\n\r\n"
            "Úsalo en tu próxima compra antes de esa fecha; después ya no podrás usarlo.\r\n"};
  }
  if (kind == "CASHBACK_EXPIRED") {
    const std::string amount = p.money("value_cents");
    return {"Tu cashback de " + amount + " venció",
            "Tu cashback de " + amount + " de " + period_in_spanish(p.text("period")) +
                " venció al terminar el mes sin haberse usado.\r\n"};
  }
  if (kind == "LOYALTY_REWARD_EARNED") {
    p.integer("loyalty_reward_id");
    return {"¡Ganaste tu recompensa de lealtad!",
            "Con tus compras hasta " + period_in_spanish(p.text("period")) +
                " ganaste una recompensa del programa de lealtad.\r\n\r\n"
                "Entra a NN Wallet para elegirla.\r\n"};
  }
  if (kind == "TRAVEL_QUALIFIED") {
    p.text("campaign_id");
    return {"¡Calificaste para NN Travel!",
            "Con " + std::to_string(p.integer("points")) + " puntos calificaste para el viaje de la campaña " +
                body_safe(p.text("campaign_name")) + ".\r\n\r\n"
                "Pronto te compartiremos los detalles.\r\n"};
  }
  if (kind == "WITHDRAWAL_STATUS") return withdrawal_text(p);
  p.refuse("no email text for kind " + std::string(kind));
  return {};
}

// RFC 2047 encoded words of at most 75 characters, split between UTF-8 characters.
std::string encoded_header_words(std::string_view text) {
  constexpr std::size_t kChunkBytesMax = 45;  // base64 → 60 characters, + 12 of framing
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = std::min(text.size(), at + kChunkBytesMax);
    while (end < text.size() && end > at && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + crypto::base64_encode(text.substr(at, end - at)) + "?=";
    at = end;
  }
  return out;
}

std::string rfc5322_date(std::int64_t date_s) {
  using namespace std::chrono;
  constexpr std::array<const char*, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const sys_seconds instant{seconds(date_s)};
  const sys_days day = floor<days>(instant);
  const year_month_day date{day};
  const hh_mm_ss time{instant - day};
  char out[40];
  std::snprintf(out, sizeof out, "%s, %02u %s %d %02d:%02d:%02d +0000", kDays[weekday(day).c_encoding()],
                static_cast<unsigned>(date.day()), kMonths[static_cast<unsigned>(date.month()) - 1],
                static_cast<int>(date.year()), static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()));
  return out;
}

}  // namespace

std::string format_money(std::int64_t amount_cents, std::string_view currency) {
  // Unsigned magnitude: -INT64_MIN does not fit in an int64.
  const std::uint64_t magnitude = amount_cents < 0 ? 0 - static_cast<std::uint64_t>(amount_cents)
                                                   : static_cast<std::uint64_t>(amount_cents);
  const std::string units = std::to_string(magnitude / 100);
  std::string grouped;
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (i > 0 && (units.size() - i) % 3 == 0) grouped += ',';
    grouped += units[i];
  }
  const std::uint64_t cents = magnitude % 100;
  return std::string(amount_cents < 0 ? "-$" : "$") + grouped + "." + static_cast<char>('0' + cents / 10) +
         static_cast<char>('0' + cents % 10) + " " + std::string(currency);
}

std::string period_in_spanish(std::string_view period) {
  constexpr std::array<std::string_view, 12> kMonths{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
                                                     "agosto", "septiembre", "octubre", "noviembre", "diciembre"};
  const bool shaped = period.size() == 7 && period[4] == '-' &&
                      period.find_first_not_of("0123456789", 0) == 4 &&
                      period.find_first_not_of("0123456789", 5) == std::string_view::npos;
  if (!shaped) return std::string(period);
  const int month = (period[5] - '0') * 10 + (period[6] - '0');
  if (month < 1 || month > 12) return std::string(period);
  return std::string(kMonths[static_cast<std::size_t>(month - 1)]) + " de " + std::string(period.substr(0, 4));
}

nnw::rules::Result<EmailText, std::string> render_email(std::string_view kind, std::string_view payload_json,
                                                        std::string_view display_name) {
  boost::system::error_code ec;
  const auto document = boost::json::parse(payload_json, ec);
  if (ec || !document.is_object()) return std::string("the payload is not a JSON object");
  Payload payload(document.as_object());
  EmailText text = kind_text(kind, payload);
  if (payload.missing()) return *payload.missing();
  text.body = "Hola, " + body_safe(display_name) + ":\r\n\r\n" + text.body + std::string(kSignature);
  return text;
}

bool is_plain_address(std::string_view address) noexcept {
  if (address.size() < 3 || address.size() > 320) return false;
  const auto at = address.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == address.size() || address.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  for (const char c : address) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' || c == ';' || c == '"' ||
        c == '\\') {
      return false;
    }
  }
  return true;
}

std::string compose_email(const EmailEnvelope& envelope, const EmailText& text) {
  std::string message;
  message += "Date: " + rfc5322_date(envelope.date_s) + "\r\n";
  message += "From: NN Wallet <" + envelope.from_address + ">\r\n";
  message += "To: <" + envelope.to_address + ">\r\n";
  message += "Message-ID: <" + envelope.message_id + ">\r\n";
  message += "Subject: " + encoded_header_words(text.subject) + "\r\n";
  message += "MIME-Version: 1.0\r\n";
  message += "Content-Type: text/plain; charset=UTF-8\r\n";
  message += "Content-Transfer-Encoding: base64\r\n";
  message += "\r\n";
  const std::string body = crypto::base64_encode(text.body);
  constexpr std::size_t kLineMax = 76;  // RFC 2045
  for (std::size_t at = 0; at < body.size(); at += kLineMax) message += body.substr(at, kLineMax) + "\r\n";
  return message;
}

}  // namespace nnw::server::notify
