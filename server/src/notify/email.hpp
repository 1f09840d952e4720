#pragma once
// The emails members get, in Spanish: one subject and plain-text body per notification kind
// (from the outbox row's payload), amounts in pesos from integer centavos, and the RFC 5322
// message the sender hands to SMTP. Pure: no I/O, no clock.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "nnw/rules/error.hpp"

namespace nnw::server::notify {

// "$1,234.56 MXN": integer centavos as members read them, integer arithmetic only.
std::string format_money(std::int64_t amount_cents, std::string_view currency);

// "2026-11" → "noviembre de 2026"; anything else is returned as it is.
std::string period_in_spanish(std::string_view period);

struct EmailText {
  std::string subject;  // UTF-8, one line
  std::string body;     // UTF-8, lines end in CRLF
};

// The text for one notification. An error (message only) when the payload lacks a field
// this kind's text needs, or the kind is unknown: the row is then FAILED, never sent wrong.
nnw::rules::Result<EmailText, std::string> render_email(std::string_view kind, std::string_view payload_json,
                                                        std::string_view display_name);

// An address usable in an envelope and a header: one '@', no spaces, brackets or controls.
bool is_plain_address(std::string_view address) noexcept;

struct EmailEnvelope {
  std::string from_address;
  std::string to_address;
  std::string message_id;   // without brackets: "notification-42@nnwallet.mx" (stable per row)
  std::int64_t date_s = 0;  // the Date header, UTC
};

// The whole message: headers (Subject RFC 2047-encoded) and the body as base64 UTF-8 text,
// 7-bit clean with CRLF line ends, as SMTP's DATA wants it.
std::string compose_email(const EmailEnvelope& envelope, const EmailText& text);

}  // namespace nnw::server::notify
