// Daily totals at scale with a catalog of their artists (encore/simulate.h).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "common/byte_source.h"
#include "encore/simulate.h"

namespace encore {
namespace {

constexpr uint64_t kTracksPerArtist = 10;
constexpr uint64_t kTracksPerRelease = 5;

uint64_t Mix(uint64_t x) {  // splitmix64
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

void PutUint(std::string* out, uint64_t v) {
  char buf[20];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0);
  while (n > 0) out->push_back(buf[--n]);
}

std::string TrackId(uint64_t t) {
  std::string id = "T";
  std::string digits;
  PutUint(&digits, t);
  if (digits.size() < 7) id.append(7 - digits.size(), '0');
  return id + digits;
}

// A buffered writer over a ByteSink.
class Out {
 public:
  explicit Out(std::unique_ptr<ByteSink> sink) : sink_(std::move(sink)) { buf_.reserve(kFlush); }
  std::string& buf() { return buf_; }
  Status MaybeFlush() {
    if (buf_.size() < kFlush) return Status::Ok();
    return Flush();
  }
  Status Flush() {
    bytes_ += buf_.size();
    ENCORE_RETURN_IF_ERROR(sink_->Write(buf_.data(), buf_.size()));
    buf_.clear();
    return Status::Ok();
  }
  Status Close() {
    ENCORE_RETURN_IF_ERROR(Flush());
    return sink_->Close();
  }
  uint64_t bytes() const { return bytes_; }

 private:
  static constexpr size_t kFlush = size_t{1} << 20;
  std::unique_ptr<ByteSink> sink_;
  std::string buf_;
  uint64_t bytes_ = 0;
};

Result<std::unique_ptr<Out>> Open(const std::string& path) {
  ENCORE_ASSIGN_OR_RETURN(auto sink, OpenByteSink(path));
  return std::make_unique<Out>(std::move(sink));
}

}  // namespace

Result<SimulateTotalsReport> SimulateDailyTotals(const SimulateTotalsOptions& o) {
  if (o.tracks == 0 || o.tracks > 9'999'999) {
    return Status::InvalidArgument("daily totals: --tracks is 1..9,999,999");
  }
  if (o.days < 1 || o.days > 36600) return Status::InvalidArgument("daily totals: --days is 1..36600");
  const uint64_t artists = std::max<uint64_t>(1, (o.tracks + kTracksPerArtist - 1) / kTracksPerArtist);
  const uint64_t releases = (o.tracks + kTracksPerRelease - 1) / kTracksPerRelease;
  // Release dates: uniform over the year before the period and the period itself.
  const Day first_release = o.start - 365;
  const uint64_t spread = static_cast<uint64_t>(365 + o.days);
  std::vector<Day> release_day(releases);
  for (uint64_t r = 0; r < releases; ++r)
    release_day[r] = first_release + static_cast<Day>(Mix(o.seed * 7919 + r) % spread);
  SimulateTotalsReport report;
  report.artists = artists;
  report.releases = releases;

  if (!o.catalog_out.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.catalog_out, ec);
    if (ec) return Status::IoError("cannot make " + o.catalog_out + ": " + ec.message());
    static const char* kCountries[] = {"US", "GB", "SE", "JP", "BR", "DE", "FR", "CA", "MX", "AU"};
    ENCORE_ASSIGN_OR_RETURN(auto a, Open(o.catalog_out + "/artists.csv"));
    a->buf() += "artist_id,name,kind,country,aliases,member_of,persona_of,tags,begin\n";
    for (uint64_t i = 0; i < artists; ++i) {
      const bool kr = i % 8 == 0;
      std::string& b = a->buf();
      b += "a";
      PutUint(&b, i);
      b += ",Artist ";
      PutUint(&b, i);
      b += i % 5 == 0 ? ",group," : ",person,";
      b += kr ? "KR" : kCountries[i % 10];
      b += kr ? ",,,,k-pop,\n" : ",,,,pop,\n";
      ENCORE_RETURN_IF_ERROR(a->MaybeFlush());
    }
    ENCORE_RETURN_IF_ERROR(a->Close());
    ENCORE_ASSIGN_OR_RETURN(auto r, Open(o.catalog_out + "/releases.csv"));
    r->buf() += "release_id,title,type,date,artists\n";
    for (uint64_t i = 0; i < releases; ++i) {
      std::string& b = r->buf();
      b += "r";
      PutUint(&b, i);
      b += ",Release ";
      PutUint(&b, i);
      b += ",album,";
      b += FormatDate(release_day[i]);
      b += ",a";
      PutUint(&b, i * kTracksPerRelease / kTracksPerArtist);
      b += "\n";
      ENCORE_RETURN_IF_ERROR(r->MaybeFlush());
    }
    ENCORE_RETURN_IF_ERROR(r->Close());
    ENCORE_ASSIGN_OR_RETURN(auto t, Open(o.catalog_out + "/tracks.csv"));
    t->buf() += "track_id,isrc,title,release_id,duration_ms,primary,featured\n";
    for (uint64_t i = 0; i < o.tracks; ++i) {
      std::string& b = t->buf();
      b += TrackId(i);
      b += ",,Song ";
      PutUint(&b, i);
      b += ",r";
      PutUint(&b, i / kTracksPerRelease);
      b += ",200000,a";
      PutUint(&b, i / kTracksPerArtist);
      b += ",\n";
      ENCORE_RETURN_IF_ERROR(t->MaybeFlush());
    }
    ENCORE_RETURN_IF_ERROR(t->Close());
  }

  std::vector<std::string> ids(o.tracks);
  std::vector<double> base(o.tracks);
  for (uint64_t i = 0; i < o.tracks; ++i) {
    ids[i] = TrackId(i);
    base[i] = 2.0e7 / std::pow(static_cast<double>(i + 1), 0.9);
  }
  ENCORE_ASSIGN_OR_RETURN(auto out, Open(o.out));
  out->buf() += "date,country,track,streams,tier\n";
  for (int d = 0; d < o.days; ++d) {
    const Day day = o.start + d;
    const std::string date = FormatDate(day) + ",GLOBAL,";
    const double swing = 1.0 + 0.1 * ((d % 7) - 3) / 3.0;
    for (uint64_t i = 0; i < o.tracks; ++i) {
      const Day released = release_day[i / kTracksPerRelease];
      if (released > day) continue;
      const double age = static_cast<double>(day - released);
      const uint64_t noise = Mix((o.seed << 40) ^ (static_cast<uint64_t>(d) << 24) ^ i) % 1000;
      const double streams =
          base[i] * swing * (0.8 + 0.4 * static_cast<double>(noise) / 1000.0) / (1.0 + age / 120.0);
      std::string& b = out->buf();
      b += date;
      b += ids[i];
      b += ',';
      PutUint(&b, 1 + static_cast<uint64_t>(streams));
      b += ",\n";
      ++report.rows;
      ENCORE_RETURN_IF_ERROR(out->MaybeFlush());
    }
  }
  ENCORE_RETURN_IF_ERROR(out->Close());
  report.bytes = out->bytes();
  return report;
}

}  // namespace encore
