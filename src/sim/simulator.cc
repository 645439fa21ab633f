#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "common/byte_source.h"
#include "encore/simulate.h"

namespace encore {
namespace {

// xoshiro256** seeded by splitmix64: fast, and the same on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& s : s_) {
      seed += 0x9e3779b97f4a7c15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      s = z ^ (z >> 31);
    }
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>(Uniform() * static_cast<double>(n)); }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

struct Market {
  const char* code;
  double weight;       // share of plays, roughly by market size
  int offset_minutes;  // local UTC offset used for some log lines (0: always Z)
};

// About 70 markets; weights are relative.
constexpr Market kMarkets[] = {
    {"US", 22, 0},   {"GB", 6, 0},   {"DE", 6, 0},   {"BR", 6, -180}, {"MX", 5, 0},
    {"FR", 4, 0},    {"JP", 4, 540}, {"ES", 3, 0},   {"IT", 3, 0},    {"CA", 3, 0},
    {"AU", 2.5, 0},  {"NL", 2, 0},   {"SE", 2, 0},   {"PL", 2, 0},    {"KR", 2, 540},
    {"IN", 3, 330},  {"ID", 2, 0},   {"PH", 2, 0},   {"AR", 1.5, 0},  {"CL", 1.2, 0},
    {"CO", 1.2, 0},  {"PE", 0.8, 0}, {"TR", 1.2, 0}, {"RU", 0.5, 0},  {"UA", 0.4, 0},
    {"NO", 0.8, 0},  {"DK", 0.8, 0}, {"FI", 0.7, 0}, {"BE", 0.9, 0},  {"AT", 0.7, 0},
    {"CH", 0.8, 0},  {"PT", 0.7, 0}, {"IE", 0.6, 0}, {"NZ", 0.5, 0},  {"ZA", 0.6, 0},
    {"NG", 0.5, 0},  {"EG", 0.4, 0}, {"MA", 0.3, 0}, {"KE", 0.2, 0},  {"SA", 0.5, 0},
    {"AE", 0.5, 0},  {"IL", 0.4, 0}, {"TH", 0.8, 0}, {"VN", 0.8, 0},  {"MY", 0.6, 0},
    {"SG", 0.5, 0},  {"TW", 0.7, 0}, {"HK", 0.4, 0}, {"CZ", 0.5, 0},  {"HU", 0.4, 0},
    {"RO", 0.5, 0},  {"GR", 0.4, 0}, {"BG", 0.2, 0}, {"HR", 0.2, 0},  {"SK", 0.2, 0},
    {"SI", 0.1, 0},  {"LT", 0.1, 0}, {"LV", 0.1, 0}, {"EE", 0.1, 0},  {"IS", 0.05, 0},
    {"LU", 0.05, 0}, {"CR", 0.2, 0}, {"GT", 0.2, 0}, {"EC", 0.3, 0},  {"UY", 0.15, 0},
    {"PY", 0.1, 0},  {"BO", 0.1, 0}, {"DO", 0.2, 0}, {"PA", 0.1, 0},  {"PK", 0.3, 0},
};
constexpr size_t kMarketCount = sizeof kMarkets / sizeof kMarkets[0];

struct Track {
  std::string id;
  Day release;
  double base;
  uint32_t duration_ms;
};

class LineWriter {
 public:
  explicit LineWriter(ByteSink* sink) : sink_(sink) { buf_.reserve(kFlush + 512); }
  Status Flush() {
    bytes_ += buf_.size();
    Status s = sink_->Write(buf_.data(), buf_.size());
    buf_.clear();
    return s;
  }
  Status MaybeFlush() { return buf_.size() >= kFlush ? Flush() : Status::Ok(); }
  void Add(std::string_view s) { buf_.append(s); }
  void Add(char c) { buf_.push_back(c); }
  void AddUint(uint64_t v, int width = 0) {
    char tmp[24];
    int n = 0;
    do {
      tmp[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v);
    for (int i = n; i < width; ++i) buf_.push_back('0');
    while (n) buf_.push_back(tmp[--n]);
  }
  uint64_t bytes() const { return bytes_; }

 private:
  static constexpr size_t kFlush = 1 << 20;
  ByteSink* sink_;
  std::string buf_;
  uint64_t bytes_ = 0;
};

// "YYYY-MM-DDTHH:MM:SS" then Z or the offset, for a UTC epoch second shown at a local offset.
void AddTimestamp(LineWriter* w, int64_t utc, int offset_minutes) {
  const int64_t local = utc + offset_minutes * 60;
  const Day day = DayOfEpochSecond(local);
  const int64_t sec = local - static_cast<int64_t>(day) * 86400;
  int y;
  unsigned m, d;
  CivilFromDay(day, &y, &m, &d);
  w->AddUint(static_cast<uint64_t>(y), 4);
  w->Add('-');
  w->AddUint(m, 2);
  w->Add('-');
  w->AddUint(d, 2);
  w->Add('T');
  w->AddUint(static_cast<uint64_t>(sec / 3600), 2);
  w->Add(':');
  w->AddUint(static_cast<uint64_t>(sec / 60 % 60), 2);
  w->Add(':');
  w->AddUint(static_cast<uint64_t>(sec % 60), 2);
  if (offset_minutes == 0) {
    w->Add('Z');
    return;
  }
  const int abs_min = std::abs(offset_minutes);
  w->Add(offset_minutes > 0 ? '+' : '-');
  w->AddUint(static_cast<uint64_t>(abs_min / 60), 2);
  w->Add(':');
  w->AddUint(static_cast<uint64_t>(abs_min % 60), 2);
}

}  // namespace

Result<SimulateReport> Simulate(const SimulateOptions& o) {
  if (o.days < 1 || o.days > 3660) return Status::InvalidArgument("--days must be 1..3660");
  if (o.start < 0 || o.start + o.days > kMaxStoredDay) {
    return Status::InvalidArgument("--start must leave the period within 1970..2149");
  }
  if (o.out.empty()) return Status::InvalidArgument("--out is required");
  const std::string base = StripCompressionExtension(o.out);
  const bool jsonl = base.size() >= 6 && (base.substr(base.size() - 6) == ".jsonl");

  Rng rng(o.seed);
  SimulateReport report;
  for (const WorldTrack& t : o.world) {
    if (t.id.empty() || t.id.size() > 64 || t.id.find_first_of(",\"\n\r") != std::string::npos)
      return Status::InvalidArgument("world track id '" + t.id + "' is not 1-64 plain bytes");
    if (t.duration_ms <= 30000 || !(t.weight > 0))
      return Status::InvalidArgument("world track '" + t.id +
                                     "' needs a duration over 30 s and a weight");
  }
  if (o.tracks > 7'900'000) return Status::InvalidArgument("--tracks must be at most 7,900,000");
  if (o.users > 100'000'000) return Status::InvalidArgument("--users must be at most 100,000,000");
  if (!(o.popularity >= 0 && o.popularity <= 4))
    return Status::InvalidArgument("--popularity (a Zipf exponent) must be within 0..4");
  if (!(o.user_skew >= 1 && o.user_skew <= 8))
    return Status::InvalidArgument("--user-skew must be within 1..8");
  if (!(o.bot_share >= 0 && o.bot_share < 1) || !(o.skip_share >= 0 && o.skip_share < 1) ||
      o.bot_share + o.skip_share >= 1)
    return Status::InvalidArgument("--bots and --skips are shares within 0..1, below 1 together");
  const uint64_t n_world = o.world.size();
  const uint64_t n_tracks =
      n_world + (o.tracks ? o.tracks : std::clamp<uint64_t>(o.plays / 2000, 50, 200000));
  const uint64_t n_users = o.users ? std::max<uint64_t>(o.users, 2)
                                   : std::clamp<uint64_t>(o.plays / 25, 200, 4000000);
  const uint64_t per_day = std::max<uint64_t>(1, o.plays / static_cast<uint64_t>(o.days));
  const double bot_share = o.bot_share;
  const uint64_t n_bots = std::min<uint64_t>(
      n_users / 2,
      std::max<uint64_t>(1, static_cast<uint64_t>(bot_share * static_cast<double>(per_day) / 300)));
  report.tracks = n_tracks;
  report.users = n_users;
  report.bots = n_bots;

  std::vector<Track> tracks(n_tracks);
  for (uint64_t i = 0; i < n_tracks; ++i) {
    Track& t = tracks[i];
    if (i < n_world) {
      const WorldTrack& w = o.world[i];
      t = {w.id, w.release, w.weight, w.duration_ms};
      continue;
    }
    const uint64_t k = i - n_world;
    char id[16];
    std::snprintf(id, sizeof id, "QZENC%02u%05u", static_cast<unsigned>(20 + k / 100000),
                  static_cast<unsigned>(k % 100000));
    t.id = id;
    t.base = 1.0 / std::pow(static_cast<double>(k + 1), o.popularity);
    t.release = rng.Uniform() < 0.6
                    ? o.start - 1 - static_cast<Day>(rng.Below(720))
                    : o.start + static_cast<Day>(rng.Below(static_cast<uint64_t>(o.days)));
    t.duration_ms = 120000 + static_cast<uint32_t>(rng.Below(180000));
  }
  std::vector<double> market_cdf(kMarketCount);
  double acc = 0;
  for (size_t i = 0; i < kMarketCount; ++i) market_cdf[i] = acc += kMarkets[i].weight;
  auto pick_market = [&](double u) {
    return static_cast<uint8_t>(std::upper_bound(market_cdf.begin(), market_cdf.end(), u * acc) -
                                market_cdf.begin());
  };
  std::vector<uint8_t> user_market(n_users), user_free(n_users);
  for (uint64_t u = 0; u < n_users; ++u) {
    user_market[u] = std::min<uint8_t>(pick_market(rng.Uniform()), kMarketCount - 1);
    user_free[u] = rng.Uniform() < 0.55;
  }
  std::vector<uint32_t> bot_track(n_bots);
  for (auto& t : bot_track)
    t = static_cast<uint32_t>(n_world + rng.Below(std::min<uint64_t>(50, n_tracks - n_world)));

  ENCORE_ASSIGN_OR_RETURN(auto sink, OpenByteSink(o.out));
  LineWriter w(sink.get());
  if (!jsonl) w.Add("ts,user,track,ms_played,country,tier\n");

  std::vector<double> cdf(n_tracks);
  uint64_t remaining = o.plays;
  for (int d = 0; d < o.days && remaining > 0; ++d) {
    const Day day = o.start + d;
    const uint64_t today = d + 1 == o.days ? remaining : std::min(remaining, per_day);
    remaining -= today;
    double total = 0;
    for (uint64_t i = 0; i < n_tracks; ++i) {
      const Track& t = tracks[i];
      double weight = 0;
      if (t.release <= day) {
        const double age = day - t.release;
        weight = t.base * (1.0 + 6.0 * std::exp(-age / 5.0)) * (age > 365 ? 0.7 : 1.0);
      }
      cdf[i] = total += weight;
    }
    const int64_t day_start = static_cast<int64_t>(day) * 86400;
    for (uint64_t k = 0; k < today; ++k) {
      const int64_t ts = day_start + static_cast<int64_t>((static_cast<double>(k) + rng.Uniform()) *
                                                          86400.0 / static_cast<double>(today));
      uint64_t user;
      uint64_t track;
      if (rng.Uniform() < bot_share) {
        const uint64_t b = rng.Below(n_bots);
        user = b;
        track = bot_track[b];
      } else {
        const double u = rng.Uniform();
        const double skewed = o.user_skew == 2.0   ? u * u
                              : o.user_skew == 1.0 ? u
                                                   : std::pow(u, o.user_skew);
        user = n_bots + static_cast<uint64_t>(skewed * static_cast<double>(n_users - n_bots));
        track = static_cast<uint64_t>(
            std::upper_bound(cdf.begin(), cdf.end(), rng.Uniform() * total) - cdf.begin());
        if (track >= n_tracks) track = n_tracks - 1;
      }
      const uint8_t market =
          rng.Uniform() < 0.03 ? static_cast<uint8_t>(rng.Below(kMarketCount)) : user_market[user];
      const double r = rng.Uniform();
      uint64_t ms;
      if (r < o.skip_share) {
        ms = rng.Below(30000);
      } else if (r < o.skip_share + 0.005) {
        ms = 30000;
      } else if (r < o.skip_share + 0.455) {
        ms = tracks[track].duration_ms;
      } else {
        ms = 30001 + rng.Below(tracks[track].duration_ms - 30000);
      }
      // Some markets log local time with an offset; half their lines, so both forms occur.
      const int offset =
          (kMarkets[market].offset_minutes != 0 && (k & 1)) ? kMarkets[market].offset_minutes : 0;
      const char* tier = user_free[user] ? "free" : "premium";
      if (jsonl) {
        w.Add("{\"ts\":\"");
        AddTimestamp(&w, ts, offset);
        w.Add("\",\"user\":\"u");
        w.AddUint(user, 8);
        w.Add("\",\"track\":\"");
        w.Add(tracks[track].id);
        w.Add("\",\"ms_played\":");
        w.AddUint(ms);
        w.Add(",\"country\":\"");
        w.Add(kMarkets[market].code);
        w.Add("\",\"tier\":\"");
        w.Add(tier);
        w.Add("\"}\n");
      } else {
        AddTimestamp(&w, ts, offset);
        w.Add(",u");
        w.AddUint(user, 8);
        w.Add(',');
        w.Add(tracks[track].id);
        w.Add(',');
        w.AddUint(ms);
        w.Add(',');
        w.Add(kMarkets[market].code);
        w.Add(',');
        w.Add(tier);
        w.Add('\n');
      }
      ++report.plays;
      ENCORE_RETURN_IF_ERROR(w.MaybeFlush());
    }
  }
  ENCORE_RETURN_IF_ERROR(w.Flush());
  ENCORE_RETURN_IF_ERROR(sink->Close());
  report.bytes = w.bytes();
  return report;
}

}  // namespace encore
