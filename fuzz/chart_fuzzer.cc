// Fuzzes one chart file reader through the whole reading path (the header or JSON sniffing, the
// file name's facts, bounded lines or the JSON SAX stream, row validation, the chart choice): the
// input is a fixed start that makes the file that format, followed by the fuzzer's bytes, written
// under a file name of that format. Built once per format (ENCORE_FUZZ_FORMAT, CMakeLists.txt).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "encore/charts.h"

namespace {

#define ENCORE_STR2(x) #x
#define ENCORE_STR(x) ENCORE_STR2(x)

struct Start {
  const char* file;    // a name of that format (folder and file)
  const char* prefix;  // what the sniffer needs to see
};

Start FormatStart() {
  const std::string f = ENCORE_STR(ENCORE_FUZZ_FORMAT);
  if (f == "chart_spotify_daily")
    return {"regional-global-daily-2023-07-20.csv",
            "rank,uri,artist_names,track_name,source,peak_rank,previous_rank,days_on_chart,"
            "streams\n"};
  if (f == "chart_spotify_legacy")
    return {"regional-global-weekly-2018-07-13--2018-07-20.csv",
            ",,,\"Note that these figures are generated using a formula.\",\n"
            "Position,\"Track Name\",Artist,Streams,URL\n"};
  if (f == "chart_spotify_dataset")
    return {"charts.csv", "title,rank,date,artist,url,region,chart,trend,streams\n"};
  if (f == "chart_billboard_json")
    return {"date/2023-07-29.json", "{\"date\": \"2023-07-29\", \"data\": [{\"song\": \"S\", "};
  if (f == "chart_billboard_weekly")
    return {"2021-01-02.csv",
            "chart_week,current_week,title,performer,last_week,peak_pos,wks_on_chart\n"};
  if (f == "chart_uk")
    return {"uk_singles.csv",
            "chart_date,position,title,artist,last_week,peak_position,weeks_on_chart\n"};
  return {"chart.csv", ""};
}

// Checks what is handed over as it comes.
class Sink final : public encore::ChartSink {
 public:
  encore::Status Add(encore::ChartEdition part) override {
    if (part.chart.empty() || part.entries.empty()) __builtin_trap();
    for (size_t i = 0; i < part.entries.size(); ++i) {
      const auto& e = part.entries[i];
      if (e.position < 1 || e.title.empty() || e.artist.empty()) __builtin_trap();
      if (i > 0 && part.entries[i - 1].position > e.position) __builtin_trap();
    }
    rows += part.entries.size();
    return encore::Status::Ok();
  }
  encore::Status Reject(encore::ChartReject r) override {
    if (r.reason.empty() || r.text.size() > 4096) __builtin_trap();
    ++rejects;
    return encore::Status::Ok();
  }
  uint64_t rows = 0, rejects = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("encore-chart-fuzz-" + std::to_string(::getpid()));
  const Start start = FormatStart();
  const std::filesystem::path path = dir / start.file;
  std::filesystem::create_directories(path.parent_path());
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << start.prefix;
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  Sink sink;
  encore::ChartReadOptions options;
  options.flush_rows = 7;  // many small parts
  std::vector<encore::ChartIssue> issues;
  auto s = encore::StreamChartFile(path.string(), options, &sink, &issues);
  if (s.ok() && (s->rows != sink.rows || s->rejects != sink.rejects || s->rows == 0)) __builtin_trap();
  if (!s.ok() && issues.empty()) __builtin_trap();
  return 0;
}
