#include "core/cluster/wire.hpp"

#include <cstring>
#include <new>
#include <stdexcept>
#include <vector>

#include "core/support/errors.hpp"

namespace neohebb::core {

std::string pack(const nlohmann::json& value) {
  std::string out;
  nlohmann::json::to_msgpack(value, out);
  return out;
}

nlohmann::json unpack(const std::string& bytes) {
  return nlohmann::json::from_msgpack(bytes);
}

namespace {

nlohmann::json raw(const double* data, Eigen::Index n) {
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(n) * sizeof(double));
  if (n > 0) std::memcpy(bytes.data(), data, bytes.size());
  return nlohmann::json::binary(std::move(bytes));
}

void unraw(const nlohmann::json& j, double* data, Eigen::Index n) {
  const auto& bytes = j.get_binary();
  if (bytes.size() != static_cast<std::size_t>(n) * sizeof(double))
    throw RunError("a result received from another rank has the wrong size");
  if (n > 0) std::memcpy(data, bytes.data(), bytes.size());
}

}  // namespace

nlohmann::json matrix_wire(const Eigen::MatrixXd& m) {
  return {{"rows", m.rows()}, {"cols", m.cols()}, {"data", raw(m.data(), m.size())}};
}

Eigen::MatrixXd matrix_from_wire(const nlohmann::json& j) {
  Eigen::MatrixXd m(j.at("rows").get<Eigen::Index>(), j.at("cols").get<Eigen::Index>());
  unraw(j.at("data"), m.data(), m.size());
  return m;
}

nlohmann::json vector_wire(const Eigen::VectorXd& v) {
  return {{"size", v.size()}, {"data", raw(v.data(), v.size())}};
}

Eigen::VectorXd vector_from_wire(const nlohmann::json& j) {
  Eigen::VectorXd v(j.at("size").get<Eigen::Index>());
  unraw(j.at("data"), v.data(), v.size());
  return v;
}

nlohmann::json error_wire(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const DivergenceError& e) {
    return {{"kind", "divergence"}, {"trial", e.trial()}, {"what", e.what()}};
  } catch (const std::bad_alloc&) {
    return {{"kind", "bad_alloc"}};
  } catch (const std::length_error& e) {
    return {{"kind", "length_error"}, {"what", e.what()}};
  } catch (const std::exception& e) {
    return {{"kind", "error"}, {"what", e.what()}};
  } catch (...) {
    return {{"kind", "error"}, {"what", "unknown error"}};
  }
}

std::exception_ptr error_from_wire(const nlohmann::json& j) {
  const std::string kind = j.at("kind").get<std::string>();
  if (kind == "divergence")
    return std::make_exception_ptr(
        DivergenceError(j.at("trial").get<long long>(), j.at("what").get<std::string>()));
  if (kind == "bad_alloc") return std::make_exception_ptr(std::bad_alloc());
  if (kind == "length_error")
    return std::make_exception_ptr(std::length_error(j.at("what").get<std::string>()));
  return std::make_exception_ptr(RunError(j.at("what").get<std::string>()));
}

}  // namespace neohebb::core
