// Fuzzes one personal-history reader through the whole reading path (sniffing, bounded blocks,
// the JSON splitter or the CSV scanner, the format's reader, validation): the input is a fixed
// start that makes the file that format, followed by the fuzzer's bytes. Built once per format
// (ENCORE_FUZZ_FORMAT, see CMakeLists.txt).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

#include "encore/ingest.h"
#include "ingest/file_reader.h"

namespace {

#define ENCORE_STR2(x) #x
#define ENCORE_STR(x) ENCORE_STR2(x)

// The start of a file of each format (what the sniffer needs to see), before the fuzzer's bytes.
const char* Prefix() {
  const std::string f = ENCORE_STR(ENCORE_FUZZ_FORMAT);
  if (f == "spotify_extended")
    return "[\n{\"ts\": \"2023-03-02T00:02:00Z\", \"ms_played\": 240000, \"conn_country\": \"US\", "
           "\"spotify_track_uri\": \"spotify:track:x\"},\n";
  if (f == "spotify_account")
    return "[{\"endTime\": \"2024-05-06 18:43\", \"artistName\": \"A\", \"trackName\": \"T\", "
           "\"msPlayed\": 216783},\n";
  if (f == "youtube")
    return "[{\"header\": \"YouTube Music\", \"title\": \"Watched T\", \"titleUrl\": "
           "\"https://music.youtube.com/watch?v=abc\", \"time\": \"2022-04-25T18:09:04.784Z\"},\n";
  if (f == "apple")
    return "Apple ID Number,Event Type,Song Name,Artist Name,Event Start Timestamp,"
           "Play Duration Milliseconds,Media Type\n";
  if (f == "lastfm_csv") return "uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\n";
  if (f == "lastfm_json")
    return "{\"recenttracks\": {\"@attr\": {\"user\": \"u\"}, \"track\": [{\"artist\": "
           "{\"#text\": \"A\"}, \"name\": \"T\", \"date\": {\"uts\": \"1650909600\"}},\n";
  if (f == "listenbrainz")
    return "{\"listened_at\": 1650909600, \"track_metadata\": {\"artist_name\": \"A\", "
           "\"track_name\": \"T\"}, \"user_name\": \"u\"}\n";
  return "";
}

class MemorySource final : public encore::ByteSource {
 public:
  explicit MemorySource(std::string data) : data_(std::move(data)) {}
  encore::Result<size_t> Read(char* buf, size_t n) override {
    // Small, uneven reads: block and entry boundaries fall anywhere.
    n = std::min({n, data_.size() - pos_, size_t{1} + (pos_ * 7919) % 4093});
    std::memcpy(buf, data_.data() + pos_, n);
    pos_ += n;
    return n;
  }
  uint64_t consumed() const override { return pos_; }
  uint64_t file_size() const override { return data_.size(); }

 private:
  std::string data_;
  size_t pos_ = 0;
};

encore::CountStore* Store() {
  static std::unique_ptr<encore::CountStore> store = [] {
    const std::string dir = (std::filesystem::temp_directory_path() /
                             ("encore-fuzz-store-" + std::to_string(::getpid())))
                                .string();
    std::filesystem::remove_all(dir);
    encore::StoreOptions o;
    o.sync = false;
    auto s = encore::OpenLocalStore(dir, o);
    if (!s.ok()) __builtin_trap();
    return std::move(*s);
  }();
  return store.get();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input = Prefix();
  input.append(reinterpret_cast<const char*>(data), size);
  MemorySource src(std::move(input));
  encore::IngestOptions o;
  o.history_user = "fuzz";
  o.block_bytes = 1 << 16;  // small blocks: many of them, and entries across them
  o.threads = 1;            // the same code either way; a thread per block slows the fuzzer
  o.now_ms = 1800000000000;
  encore::IdMap ids(*Store(), nullptr);
  auto batch = encore::ReadInput(&src, "fuzz", *Store(), &ids, o, nullptr);
  if (batch.ok()) {
    const auto& s = batch->summary;
    if (s.streams > s.plays || batch->history.size() > s.streams) __builtin_trap();
    if (const auto& r = batch->rejects.first(); r && (r->line == 0 || r->text.size() > (size_t{1} << 24)))
      __builtin_trap();
  }
  return 0;
}
