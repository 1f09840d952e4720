// nnw_rules_eval: reads lines "<operation>\t<request JSON>" from stdin and writes one response
// JSON per line to stdout, using the default configuration. It is the native half of the
// randomized parity run: tests/parity/parity.mjs sends the same lines to the WebAssembly build.
#include <iostream>
#include <string>

#include "nnw/rules/engine.hpp"

int main() {
  std::ios::sync_with_stdio(false);
  const auto engine = nnw::rules::Engine::with_default_config();
  std::string line;
  while (std::getline(std::cin, line)) {
    const auto tab = line.find('\t');
    const std::string_view operation = std::string_view(line).substr(0, tab);
    const std::string_view request = tab == std::string::npos ? std::string_view() : std::string_view(line).substr(tab + 1);
    if (operation == "preview_cart") std::cout << engine.preview_cart(request);
    else if (operation == "loyalty_status") std::cout << engine.loyalty_status(request);
    else if (operation == "travel_points") std::cout << engine.travel_points(request);
    else if (operation == "check_clabe") std::cout << engine.check_clabe(request);
    else std::cout << R"({"error":{"code":"invalid_value","message":"unknown operation","field":""}})";
    std::cout << '\n';
  }
  return 0;
}
