// Status and Result<T>: how every encore component reports failure.
//
// The library never prints, throws across a component boundary or aborts on bad input; it returns
// a Status (or a Result<T> holding either a value or a non-OK Status). Exceptions thrown by
// third-party libraries are caught at the edge that calls them.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace encore {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller asked for something malformed (bad flag value, bad date)
  kNotFound,            // a named thing (track, file, store) does not exist
  kIoError,             // the operating system refused a read, write, sync or rename
  kCorruption,          // a stored file failed its checks (magic, version, checksum, bounds)
  kFailedPrecondition,  // the store is not in a state that allows the request (locked, rules
                        // differ)
  kDataError,           // input data was rejected (strict mode, unreadable header)
  kInternal,
  kUnavailable,  // a server the store lives on cannot answer now (a ClickHouse shard is down)
};

// The stable lower-case name of a code, as printed in errors ("io_error").
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status DataError(std::string m) { return {StatusCode::kDataError, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "io_error: cannot open x: No such file or directory", or "ok".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace encore

#define ENCORE_CONCAT_INNER(a, b) a##b
#define ENCORE_CONCAT(a, b) ENCORE_CONCAT_INNER(a, b)

#define ENCORE_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::encore::Status encore_status_ = (expr);        \
    if (!encore_status_.ok()) return encore_status_; \
  } while (0)

#define ENCORE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()

#define ENCORE_ASSIGN_OR_RETURN(lhs, expr) \
  ENCORE_ASSIGN_OR_RETURN_IMPL(ENCORE_CONCAT(encore_result_, __LINE__), lhs, expr)
