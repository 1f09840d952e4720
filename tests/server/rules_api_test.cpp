// The server's rules endpoints answer with exactly the native engine's documents.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_server.hpp"

namespace nnw::test_server {
namespace {

class RulesApi : public ServerTest {};

TEST_F(RulesApi, ConfigurationIsServedWithItsVersionAsETag) {
  const auto rules = server().call({"GET", "/v1/rules", "", "", {}, {}});
  ASSERT_EQ(rules.status, 200);
  const std::string version(rules.json().at("rules_version").as_string());
  EXPECT_EQ(rules.header("etag"), "\"" + version + "\"");
  const auto cached = server().call({"GET", "/v1/rules", "", "", {}, {{"If-None-Match", "\"" + version + "\""}}});
  EXPECT_EQ(cached.status, 304);
}

TEST_F(RulesApi, PreviewCartMatchesTheEngineOnEveryCartVector) {
  const auto engine = nnw::rules::Engine::with_default_config();
  int compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(NNW_VECTORS_DIR)) {
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const auto document = boost::json::parse(text.str());
    if (document.at("operation") != "preview_cart") continue;
    for (const auto& c : document.at("cases").as_array()) {
      const std::string request = c.as_object().contains("request_text")
                                      ? std::string(c.at("request_text").as_string())
                                      : boost::json::serialize(c.at("request"));
      const auto response = server().call({"POST", "/v1/rules/preview-cart", request, "", {}, {}});
      const std::string expected = engine.preview_cart(request);
      EXPECT_EQ(response.body, expected) << request;
      EXPECT_EQ(response.status, expected.rfind(R"({"error":)", 0) == 0 ? 400 : 200);
      ++compared;
    }
  }
  EXPECT_GE(compared, 100);
}

}  // namespace
}  // namespace nnw::test_server
