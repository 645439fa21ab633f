// Encoders and decoders of the local store's typed files: day segments and cap states (column
// files), the track dictionary and rejects (blob files). Formats: doc/formats/.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "encore/source.h"
#include "encore/store.h"

namespace encore {

std::string EncodeSegment(Day day, const std::vector<CountRow>& rows);
Status DecodeSegment(const std::string& data, const std::string& name, Day day,
                     std::vector<CountRow>* rows);
// Decodes a segment batch by batch, handing each batch to `fn` (no whole-day vector).
Status ScanSegment(const std::string& data, const std::string& name, Day day,
                   const std::function<Status(const CountRow*, size_t)>& fn);

std::string EncodeCapState(Day day, const std::vector<CapEntry>& entries);
Status DecodeCapState(const std::string& data, const std::string& name, Day day,
                      std::vector<CapEntry>* entries);

// Listeners' home countries by listener number, in blocks of 65,536 that never move: a thread may
// read the numbers given before while another appends (after a lock handed them over).
class HomeCountries {
 public:
  HomeCountries() : blocks_(kMaxBlocks) {}
  CountryCode operator[](uint64_t n) const { return blocks_[n >> kShift][n & kMask]; }
  uint64_t size() const { return size_.load(std::memory_order_acquire); }
  void push_back(CountryCode c) {
    const uint64_t n = size_.load(std::memory_order_relaxed);
    if ((n & kMask) == 0) blocks_[n >> kShift] = std::make_unique<CountryCode[]>(kMask + 1);
    blocks_[n >> kShift][n & kMask] = c;
    size_.store(n + 1, std::memory_order_release);
  }
  void clear() {
    for (auto& b : blocks_) b.reset();
    size_.store(0);
  }

 private:
  static constexpr int kShift = 16;
  static constexpr uint64_t kMask = (uint64_t{1} << kShift) - 1;
  static constexpr size_t kMaxBlocks = size_t{1} << (32 - kShift);  // 2^32 numbers
  std::vector<std::unique_ptr<CountryCode[]>> blocks_;
  std::atomic<uint64_t> size_{0};
};

// A day's listener set (doc/formats/column-file.md, "Listeners"). `home`: each numbered
// listener's home country (the country of its first counted stream), indexed by number: an
// entry in it is stored as 0, an entry naming a number past its end is corruption.
std::string EncodeListeners(Day day, const DayListeners& listeners, const HomeCountries& home);
// The same built a row at a time, straight into the encoded columns (no DayListeners held): rows
// pushed in (user, cell) order; a row equal to the last is dropped.
struct ListenerColumns {
  std::string user, track, country, service;  // encoded, before compression
  uint64_t rows = 0;
  uint32_t last_user = 0;
  uint64_t last_cell = 0;
  void Reserve(size_t n);
  void Push(uint32_t user, uint64_t cell, const HomeCountries& home);
  std::string Finish(Day day) const;
};
// places = false: country and service left empty (their columns not decoded).
Status DecodeListeners(const std::string& data, const std::string& name, Day day,
                       const HomeCountries& home, DayListeners* listeners, bool places = true);
// The store's numbered listeners: number i is the i-th (service, listener key), with its home
// country. `users` may be null (a reader needs only the countries).
std::string EncodeUsers(const std::vector<uint64_t>& keys, const std::vector<uint8_t>& services,
                        const HomeCountries& home);
// Appends to keys, services (both may be null: a reader needs only the countries) and home.
Status DecodeUsers(const std::string& data, const std::string& name, std::vector<uint64_t>* keys,
                   std::vector<uint8_t>* services, HomeCountries* home);

// A listener's personal history (HistoryPlay rows sorted by (start_ms, ident)); the tag is the
// service id.
std::string EncodeHistory(const ListenerKey& listener, const std::vector<HistoryPlay>& plays);
Status DecodeHistory(const std::string& data, const std::string& name, const ListenerKey& listener,
                     std::vector<HistoryPlay>* plays);

// The names of `names` then of `more`, in order (ids 0..).
std::string EncodeDictionary(const std::vector<std::string>& names,
                             const std::vector<std::string>& more = {});
Status DecodeDictionary(const std::string& data, const std::string& name,
                        std::vector<std::string>* names);

std::string EncodeRejects(const std::vector<RejectRecord>& rejects);
Status DecodeRejects(const std::string& data, const std::string& name,
                     std::vector<RejectRecord>* rejects);
// The rejects of a file one by one, never all decompressed at once.
Status ScanRejectsFile(const std::string& data, const std::string& name,
                       const std::function<Status(const RejectRecord&)>& fn);

}  // namespace encore
