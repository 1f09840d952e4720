// Runs every hand-computed case in tests/vectors/*.json through the native engine. The same
// files are run against the WebAssembly build by tests/wasm/vectors.test.mjs.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "nnw/rules/engine.hpp"

namespace {

namespace bj = boost::json;

struct VectorCase {
  std::string file;
  std::string operation;
  std::string name;
  std::string request_text;
  bj::value expected;
};

// Keeps ctest's listing readable: a case is named by its file and name.
void PrintTo(const VectorCase& c, std::ostream* os) { *os << c.file << ":" << c.name; }

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<VectorCase> load_cases() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(NNW_VECTORS_DIR)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<VectorCase> cases;
  for (const auto& path : files) {
    const bj::value document = bj::parse(read_file(path));
    const std::string operation(document.at("operation").as_string());
    for (const auto& item : document.at("cases").as_array()) {
      const auto& c = item.as_object();
      VectorCase vector_case{path.filename().string(), operation, std::string(c.at("name").as_string()), {}, c.at("expected")};
      if (const auto* text = c.if_contains("request_text")) {
        vector_case.request_text = std::string(text->as_string());
      } else {
        vector_case.request_text = bj::serialize(c.at("request"));
      }
      cases.push_back(std::move(vector_case));
    }
  }
  return cases;
}

std::string run(const nnw::rules::Engine& engine, const VectorCase& c) {
  if (c.operation == "preview_cart") return engine.preview_cart(c.request_text);
  if (c.operation == "loyalty_status") return engine.loyalty_status(c.request_text);
  if (c.operation == "travel_points") return engine.travel_points(c.request_text);
  if (c.operation == "check_clabe") return engine.check_clabe(c.request_text);
  if (c.operation == "load_config") {
    auto loaded = nnw::rules::Engine::from_config_json(c.request_text);
    return loaded ? loaded->describe() : nnw::rules::error_json(loaded.error());
  }
  ADD_FAILURE() << "unknown operation " << c.operation;
  return "{}";
}

class Vectors : public ::testing::TestWithParam<VectorCase> {};

TEST_P(Vectors, NativeEngineMatchesHandComputedExpectation) {
  const VectorCase& c = GetParam();
  const auto engine = nnw::rules::Engine::with_default_config();
  const bj::value actual = bj::parse(run(engine, c));
  const auto& expected = c.expected.as_object();
  if (const auto* error = expected.if_contains("error")) {
    ASSERT_TRUE(actual.as_object().contains("error")) << "expected an error, got " << bj::serialize(actual);
    const auto& actual_error = actual.at("error").as_object();
    EXPECT_EQ(actual_error.at("code"), error->at("code")) << bj::serialize(actual);
    EXPECT_EQ(actual_error.at("field"), error->at("field")) << bj::serialize(actual);
    EXPECT_FALSE(actual_error.at("message").as_string().empty());
    return;
  }
  bj::object actual_object = actual.as_object();
  if (const auto* version = actual_object.if_contains("rules_version")) {
    EXPECT_EQ(version->as_string(), engine.version());
    actual_object.erase("rules_version");
  }
  EXPECT_EQ(bj::value(actual_object), c.expected)
      << "actual:   " << bj::serialize(actual_object) << "\nexpected: " << bj::serialize(c.expected);
}

INSTANTIATE_TEST_SUITE_P(HandComputed, Vectors, ::testing::ValuesIn(load_cases()),
                         [](const ::testing::TestParamInfo<VectorCase>& case_info) {
                           std::string name = case_info.param.file.substr(0, case_info.param.file.size() - 5) + "_" + case_info.param.name;
                           for (char& ch : name) if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return name;
                         });

TEST(VectorFiles, ExistAndHoldCases) { EXPECT_GE(load_cases().size(), 50u); }

}  // namespace
