// Fuzzes the store feed readers and the list of No. 1s reader through their whole path (the JSON
// sniffing, the SAX stream, the feed's facts, entry validation): the input is a fixed start that
// makes the file that format, followed by the fuzzer's bytes. Built once per format
// (ENCORE_FUZZ_FORMAT: feed_itunes, feed_marketing, number_ones; CMakeLists.txt).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "encore/store_feeds.h"

namespace {

#define ENCORE_STR2(x) #x
#define ENCORE_STR(x) ENCORE_STR2(x)

struct Start {
  const char* file;
  const char* prefix;
};

Start FormatStart() {
  const std::string f = ENCORE_STR(ENCORE_FUZZ_FORMAT);
  if (f == "feed_itunes")
    return {"us-2023-07-14T04-30Z.json",
            "{\"feed\":{\"id\":{\"label\":\"https://itunes.apple.com/us/rss/topsongs/limit=100/json\"},"
            "\"entry\":[{\"im:name\":{\"label\":\"S\"},\"im:artist\":{\"label\":\"A\"},"};
  if (f == "feed_marketing")
    return {"feed.json",
            "{\"feed\":{\"id\":\"https://rss.applemarketingtools.com/api/v2/us/music/most-played/"
            "100/songs.json\",\"country\":\"us\",\"updated\":\"Fri, 4 Sep 2026 17:12:25 +0000\","
            "\"results\":[{\"name\":\"S\",\"artistName\":\"A\","};
  return {"uk-number-ones.json",
          "var data = [{\"number\": \"1\", \"artist\": \"<a href=\\\"/wiki/A\\\">A &amp; B</a>\", "
          "\"song\": \"\\\"S\\\"\", \"date\": \"14 November 1952\", \"woc\": \"9\"},"};
}

class Sink final : public encore::SnapshotSink {
 public:
  encore::Status Add(encore::StoreSnapshot s) override {
    if (s.store.empty() || s.kind.empty() || s.country.size() != 2 || s.entries.empty())
      __builtin_trap();
    for (size_t i = 0; i < s.entries.size(); ++i) {
      const auto& e = s.entries[i];
      if (e.position < 1 || e.title.empty() || e.artist.empty()) __builtin_trap();
      if (i > 0 && s.entries[i - 1].position >= e.position) __builtin_trap();
    }
    entries += s.entries.size();
    ++snapshots;
    return encore::Status::Ok();
  }
  encore::Status Reject(encore::ChartReject r) override {
    if (r.reason.empty() || r.text.size() > 4096) __builtin_trap();
    ++rejects;
    return encore::Status::Ok();
  }
  uint64_t snapshots = 0, entries = 0, rejects = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("encore-feed-fuzz-" + std::to_string(::getpid()));
  const Start start = FormatStart();
  const std::filesystem::path path = dir / start.file;
  std::filesystem::create_directories(path.parent_path());
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << start.prefix;
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  std::vector<encore::ChartIssue> issues;
  (void)encore::SniffJsonFile(path.string());
  if (std::string(ENCORE_STR(ENCORE_FUZZ_FORMAT)) == "number_ones") {
    auto list = encore::ReadNumberOnesList(path.string(), "", &issues);
    if (!list.ok() && issues.empty()) __builtin_trap();
    if (list.ok()) {
      if (list->entries.empty()) __builtin_trap();
      for (const auto& n : list->entries)
        if (n.weeks < 1 || n.title.empty() || n.artist.empty()) __builtin_trap();
      const encore::ListCheck c = encore::CheckNumberOnesList(*list);
      if (c.entries != list->entries.size()) __builtin_trap();
      (void)encore::CompareNumberOnes(*list, {});
    }
    return 0;
  }
  Sink sink;
  auto s = encore::StreamStoreFeed(path.string(), {}, &sink, &issues);
  if (s.ok() && (s->snapshots != sink.snapshots || s->entries != sink.entries ||
                 s->rejects != sink.rejects || s->snapshots == 0))
    __builtin_trap();
  if (!s.ok() && issues.empty()) __builtin_trap();
  return 0;
}
