#include "app.hpp"

namespace nnw::server {

App::App(Settings settings, nnw::rules::Engine engine)
    : settings_(std::move(settings)),
      pool_(settings_.database_url, settings_.db_pool_size, settings_.db_acquire_timeout),
      engine_(std::move(engine)) {}

}  // namespace nnw::server
