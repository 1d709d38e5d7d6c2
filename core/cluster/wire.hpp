#pragma once
// What ranks send each other: JSON values packed as MessagePack (nlohmann::json's), with
// numbers' bits kept exactly and Eigen arrays as raw bytes, so that a result received from
// another rank is the very result that rank computed. The ranks of a job run the same build on
// machines of one byte order.
#include <exception>
#include <string>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

namespace neohebb::core {

std::string pack(const nlohmann::json& value);
nlohmann::json unpack(const std::string& bytes);

nlohmann::json matrix_wire(const Eigen::MatrixXd& m);
Eigen::MatrixXd matrix_from_wire(const nlohmann::json& j);
nlohmann::json vector_wire(const Eigen::VectorXd& v);
Eigen::VectorXd vector_from_wire(const nlohmann::json& j);

// An error of a job, and the same error rebuilt on another rank: a divergence (with its trial)
// stays a DivergenceError, running out of memory stays std::bad_alloc or std::length_error; any
// other error becomes a RunError with the same message.
nlohmann::json error_wire(const std::exception_ptr& error);
std::exception_ptr error_from_wire(const nlohmann::json& j);

}  // namespace neohebb::core
