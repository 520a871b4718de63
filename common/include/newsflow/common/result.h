// Errors as values at library boundaries: Status (ok or a message) and Result<T>.
// Exceptions never cross a stage's public API; functions that can fail return one of these.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace newsflow {

// Broad class of a failure, so callers can decide to retry, dead-letter or stop.
enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,  // bad flag, bad input: do not retry
  kNotFound,
  kUnavailable,      // transient: broker down, store busy; retry with backoff
  kDataLoss,         // input that cannot be processed (dead-letter it)
  kInternal,
};

class Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
  static Status Unavailable(std::string m) { return {ErrorCode::kUnavailable, std::move(m)}; }
  static Status DataLoss(std::string m) { return {ErrorCode::kDataLoss, std::move(m)}; }
  static Status Internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "message" or "ok"; never empty.
  std::string ToString() const { return ok() ? "ok" : message_; }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

// A value or the Status explaining why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}                  // NOLINT: implicit on purpose
  Result(Status status) : v_(std::move(status)) {}           // NOLINT: implicit on purpose

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace newsflow
