// The Prometheus text the server exports: histograms are cumulative, labelled by route and
// status, and their sums are exact.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "observability/metrics.hpp"

namespace nnw::server {
namespace {

bool has_line(const std::string& text, const std::string& line) { return text.find("\n" + line + "\n") != std::string::npos; }

std::string rendered(const Metrics& metrics) { return "\n" + metrics.render(db::PoolStats{}, 0); }

// Each of `lines` is a whole line of `text`; a missing one is named.
void expect_lines(const std::string& text, std::initializer_list<std::string> lines) {
  for (const auto& line : lines) EXPECT_TRUE(has_line(text, line)) << "no line: " << line << "\nin:" << text;
}

TEST(Metrics, RequestLatencyIsAHistogramPerRouteAndStatus) {
  Metrics metrics;
  metrics.observe_request("/v1/transfers", 201, 300);
  metrics.observe_request("/v1/transfers", 201, 2500);
  metrics.observe_request("/v1/transfers", 422, 6000000);
  const std::string text = rendered(metrics);

  EXPECT_TRUE(has_line(text, R"(nnw_http_requests_total{route="/v1/transfers",status="201"} 2)")) << text;
  EXPECT_TRUE(has_line(text, R"(nnw_http_requests_total{route="/v1/transfers",status="422"} 1)")) << text;
  // 300 µs is above the 250 µs bound; 2,500 µs is exactly on its bound, which counts it ("le").
  EXPECT_TRUE(has_line(text, R"(nnw_http_request_duration_seconds_bucket{route="/v1/transfers",status="201",le="0.000250"} 0)")) << text;
  EXPECT_TRUE(has_line(text, R"(nnw_http_request_duration_seconds_bucket{route="/v1/transfers",status="201",le="0.000500"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(nnw_http_request_duration_seconds_bucket{route="/v1/transfers",status="201",le="0.002500"} 2)")) << text;
  EXPECT_TRUE(has_line(text, R"(nnw_http_request_duration_seconds_bucket{route="/v1/transfers",status="201",le="+Inf"} 2)")) << text;
  EXPECT_TRUE(has_line(text, R"(nnw_http_request_duration_seconds_sum{route="/v1/transfers",status="201"} 0.002800)")) << text;
  EXPECT_TRUE(has_line(text, R"(nnw_http_request_duration_seconds_count{route="/v1/transfers",status="201"} 2)")) << text;
  // Past the last bound (5 s): only +Inf counts it.
  EXPECT_TRUE(has_line(text, R"(nnw_http_request_duration_seconds_bucket{route="/v1/transfers",status="422",le="5.000000"} 0)")) << text;
  EXPECT_TRUE(has_line(text, R"(nnw_http_request_duration_seconds_bucket{route="/v1/transfers",status="422",le="+Inf"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(nnw_http_request_duration_seconds_sum{route="/v1/transfers",status="422"} 6.000000)")) << text;
}

TEST(Metrics, TransferBatchSizesAndIsolatedRetriesAreExported_EvenBeforeTheFirstBatch) {
  Metrics metrics;
  expect_lines(rendered(metrics), {R"(nnw_transfer_batch_size_bucket{le="+Inf"} 0)", "nnw_transfer_batch_size_count 0",
                                   "nnw_transfers_isolated_total 0"});

  for (const std::size_t size : {1U, 3U, 3U, 64U, 300U}) metrics.observe_transfer_batch(size);
  metrics.count_transfers_isolated(3);
  expect_lines(rendered(metrics), {
                                      R"(nnw_transfer_batch_size_bucket{le="1"} 1)",
                                      R"(nnw_transfer_batch_size_bucket{le="2"} 1)",
                                      R"(nnw_transfer_batch_size_bucket{le="4"} 3)",
                                      R"(nnw_transfer_batch_size_bucket{le="64"} 4)",
                                      R"(nnw_transfer_batch_size_bucket{le="256"} 4)",
                                      R"(nnw_transfer_batch_size_bucket{le="+Inf"} 5)",
                                      "nnw_transfer_batch_size_sum 371",
                                      "nnw_transfer_batch_size_count 5",
                                      "nnw_transfers_isolated_total 3",
                                  });
}

TEST(Metrics, ATransfersQueueWaitIsCountedPerTransferAndItsBookingOncePerTransferOfTheBatch) {
  Metrics metrics;
  expect_lines(rendered(metrics), {R"(nnw_transfer_queued_seconds_bucket{le="+Inf"} 0)", "nnw_transfer_booking_seconds_count 0"});

  // 12,500 µs is on its bound: counted there ("le"); 300,000 µs is past the last: only +Inf counts it.
  const std::vector<std::int64_t> queued_us = {900, 12500, 300000};
  metrics.observe_transfers_queued(queued_us);
  metrics.observe_transfer_booking(7000, 20);  // one batch of 20 transfers
  metrics.observe_transfer_booking(3000, 1);
  expect_lines(rendered(metrics), {
                                      R"(nnw_transfer_queued_seconds_bucket{le="0.000500"} 0)",
                                      R"(nnw_transfer_queued_seconds_bucket{le="0.001000"} 1)",
                                      R"(nnw_transfer_queued_seconds_bucket{le="0.010000"} 1)",
                                      R"(nnw_transfer_queued_seconds_bucket{le="0.012500"} 2)",
                                      R"(nnw_transfer_queued_seconds_bucket{le="0.250000"} 2)",
                                      R"(nnw_transfer_queued_seconds_bucket{le="+Inf"} 3)",
                                      "nnw_transfer_queued_seconds_sum 0.313400",
                                      "nnw_transfer_queued_seconds_count 3",
                                      R"(nnw_transfer_booking_seconds_bucket{le="0.004000"} 1)",
                                      R"(nnw_transfer_booking_seconds_bucket{le="0.006000"} 1)",
                                      R"(nnw_transfer_booking_seconds_bucket{le="0.008000"} 21)",
                                      "nnw_transfer_booking_seconds_sum 0.143000",
                                      "nnw_transfer_booking_seconds_count 21",
                                  });
}

}  // namespace
}  // namespace nnw::server
