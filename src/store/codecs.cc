#include "store/codecs.h"

#include <algorithm>

#include "common/varint.h"
#include "store/column_file.h"
#include "store/store_format.h"

namespace encore {

std::string EncodeSegment(Day day, const std::vector<CountRow>& rows) {
  std::vector<uint64_t> cells, tiers, streams;
  cells.reserve(rows.size());
  tiers.reserve(rows.size());
  streams.reserve(rows.size());
  for (const auto& r : rows) {
    cells.push_back(r.cell);
    tiers.push_back(static_cast<uint64_t>(r.tier));
    streams.push_back(ZigZag(r.streams));
  }
  ColumnFileWriter w(store_format::kSegmentMagic, day);
  w.AddColumn(ColumnEncoding::kDeltaVarint, cells);
  w.AddColumn(ColumnEncoding::kVarint, tiers);
  w.AddColumn(ColumnEncoding::kZigZagVarint, streams);
  return w.Finish();
}

Status ScanSegment(const std::string& data, const std::string& name, Day day,
                   const std::function<Status(const CountRow*, size_t)>& fn) {
  ColumnFileReader r;
  ENCORE_RETURN_IF_ERROR(r.Open(data, store_format::kSegmentMagic, 3, name));
  if (r.tag() != day) return Status::Corruption(name + ": holds another day");
  constexpr size_t kBatch = 4096;
  uint64_t cells[kBatch], tiers[kBatch], streams[kBatch];
  CountRow batch[kBatch];
  Status error;
  for (uint64_t left = r.rows(); left > 0;) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(left, kBatch));
    const size_t a = r.NextValues(0, cells, want, &error);
    const size_t b = r.NextValues(1, tiers, want, &error);
    const size_t c = r.NextValues(2, streams, want, &error);
    ENCORE_RETURN_IF_ERROR(error);
    if (a != want || b != want || c != want) return Status::Corruption(name + ": column truncated");
    for (size_t i = 0; i < want; ++i) {
      if (tiers[i] > 2) return Status::Corruption(name + ": bad tier");
      batch[i] = {cells[i], static_cast<Tier>(tiers[i]), UnZigZag(streams[i])};
    }
    ENCORE_RETURN_IF_ERROR(fn(batch, want));
    left -= want;
  }
  uint64_t extra;
  for (size_t col = 0; col < 3; ++col) {
    if (r.NextValues(col, &extra, 1, &error) != 0 || !error.ok())
      return Status::Corruption(name + ": trailing bytes in column");
  }
  return Status::Ok();
}

Status DecodeSegment(const std::string& data, const std::string& name, Day day,
                     std::vector<CountRow>* rows) {
  rows->clear();
  return ScanSegment(data, name, day, [&](const CountRow* batch, size_t n) {
    if (rows->empty()) rows->reserve(n);
    rows->insert(rows->end(), batch, batch + n);
    return Status::Ok();
  });
}

std::string EncodeCapState(Day day, const std::vector<CapEntry>& entries) {
  std::vector<uint64_t> cells, users, premium, free;
  for (const auto& e : entries) {
    cells.push_back(e.cell);
    users.push_back(e.user);
    premium.push_back(e.premium);
    free.push_back(e.free);
  }
  ColumnFileWriter w(store_format::kCapStateMagic, day);
  w.AddColumn(ColumnEncoding::kDeltaVarint, cells);
  w.AddColumn(ColumnEncoding::kFixed64, users);
  w.AddColumn(ColumnEncoding::kVarint, premium);
  w.AddColumn(ColumnEncoding::kVarint, free);
  return w.Finish();
}

Status DecodeCapState(const std::string& data, const std::string& name, Day day,
                      std::vector<CapEntry>* entries) {
  ColumnFileReader r;
  ENCORE_RETURN_IF_ERROR(r.Parse(data, store_format::kCapStateMagic, 4, name));
  if (r.tag() != day) return Status::Corruption(name + ": holds another day");
  entries->resize(r.rows());
  for (size_t i = 0; i < r.rows(); ++i) {
    if (r.column(2)[i] > 0xffff || r.column(3)[i] > 0xffff) {
      return Status::Corruption(name + ": count out of range");
    }
    (*entries)[i] = {r.column(0)[i], r.column(1)[i], static_cast<uint16_t>(r.column(2)[i]),
                     static_cast<uint16_t>(r.column(3)[i])};
  }
  return Status::Ok();
}

void ListenerColumns::Reserve(size_t n) {
  user.reserve(n + n / 4);
  track.reserve(n * 2);
  country.reserve(n);
  service.reserve(n);
}

void ListenerColumns::Push(uint32_t u, uint64_t cell, const HomeCountries& home) {
  if (rows > 0 && u == last_user && cell == last_cell) return;
  PutVarint(&user, u - (rows > 0 ? last_user : 0));
  PutVarint(&track, CellTrack(cell));
  // A listener's own country (home) as 0, any other as its code + 1: most streams are at home.
  const CountryCode c = CellCountry(cell);
  PutVarint(&country, c == home[u] ? 0 : uint64_t{c} + 1);
  PutVarint(&service, CellService(cell));
  last_user = u;
  last_cell = cell;
  ++rows;
}

std::string ListenerColumns::Finish(Day day) const {
  ColumnFileWriter w(store_format::kListenersMagic, day);
  // Level 1: as small within a few per cent on these columns (measured), at half the time.
  w.AddEncodedColumn(ColumnEncoding::kDeltaVarint, rows, user, 1);
  w.AddEncodedColumn(ColumnEncoding::kVarint, rows, track, 1);
  w.AddEncodedColumn(ColumnEncoding::kVarint, rows, country, 1);
  w.AddEncodedColumn(ColumnEncoding::kVarint, rows, service, 1);
  return w.Finish();
}

std::string EncodeListeners(Day day, const DayListeners& l, const HomeCountries& home) {
  ListenerColumns c;
  c.Reserve(l.size());
  for (size_t i = 0; i < l.size(); ++i) {
    c.Push(l.user[i], MakeCell(l.service[i], l.track[i], l.country[i]), home);
  }
  return c.Finish(day);
}

Status DecodeListeners(const std::string& data, const std::string& name, Day day,
                       const HomeCountries& home, DayListeners* l, bool places) {
  const uint64_t users = home.size();
  ColumnFileReader r;
  ENCORE_RETURN_IF_ERROR(r.Open(data, store_format::kListenersMagic, 4, name, places ? 4 : 2));
  if (r.tag() != day) return Status::Corruption(name + ": holds another day");
  const size_t n = r.rows();
  l->user.resize(n);
  l->track.resize(n);
  l->country.resize(places ? n : 0);
  l->service.resize(places ? n : 0);
  const size_t columns = places ? 4 : 2;
  constexpr size_t kBatch = 4096;
  uint64_t v[4][kBatch];
  for (size_t at = 0; at < n; at += kBatch) {
    const size_t k = std::min(kBatch, n - at);
    Status error;
    for (size_t c = 0; c < columns; ++c) {
      if (r.NextValues(c, v[c], k, &error) != k) {
        return error.ok() ? Status::Corruption(name + ": a column ends early") : error;
      }
    }
    for (size_t i = 0; i < k; ++i) {
      if (v[0][i] >= users || v[1][i] > 0xffffffffULL ||
          (places && (v[2][i] > (1u << kCountryBits) || v[3][i] >= 32))) {
        return Status::Corruption(name + ": a listener entry out of range");
      }
      l->user[at + i] = static_cast<uint32_t>(v[0][i]);
      l->track[at + i] = static_cast<uint32_t>(v[1][i]);
      if (!places) continue;
      l->country[at + i] = v[2][i] == 0 ? home[v[0][i]] : static_cast<CountryCode>(v[2][i] - 1);
      l->service[at + i] = static_cast<uint8_t>(v[3][i]);
    }
  }
  return Status::Ok();
}

std::string EncodeUsers(const std::vector<uint64_t>& keys, const std::vector<uint8_t>& services,
                        const HomeCountries& home) {
  const size_t n = keys.size();
  ColumnFileWriter w(store_format::kUsersMagic, 0);
  std::vector<uint64_t> col(n);
  for (size_t i = 0; i < n; ++i) col[i] = services[i];
  w.AddColumn(ColumnEncoding::kVarint, col);
  for (size_t i = 0; i < n; ++i) col[i] = home[i];
  w.AddColumn(ColumnEncoding::kVarint, col);
  w.AddColumn(ColumnEncoding::kFixed64, keys);
  return w.Finish();
}

Status DecodeUsers(const std::string& data, const std::string& name, std::vector<uint64_t>* keys,
                   std::vector<uint8_t>* services, HomeCountries* home) {
  ColumnFileReader r;
  ENCORE_RETURN_IF_ERROR(r.Parse(data, store_format::kUsersMagic, 3, name));
  if (keys) keys->reserve(r.rows());
  if (services) services->reserve(r.rows());
  for (size_t i = 0; i < r.rows(); ++i) {
    if (r.column(0)[i] >= 32) return Status::Corruption(name + ": a service id out of range");
    if (r.column(1)[i] >= (1u << kCountryBits)) {
      return Status::Corruption(name + ": a country out of range");
    }
    if (keys) keys->push_back(r.column(2)[i]);
    if (services) services->push_back(static_cast<uint8_t>(r.column(0)[i]));
    home->push_back(static_cast<CountryCode>(r.column(1)[i]));
  }
  return Status::Ok();
}

std::string EncodeHistory(const ListenerKey& listener, const std::vector<HistoryPlay>& plays) {
  std::vector<uint64_t> starts, idents, tracks, countries, tiers, users;
  for (const auto& p : plays) {
    starts.push_back(static_cast<uint64_t>(p.start_ms));
    idents.push_back(p.ident);
    tracks.push_back(p.track);
    countries.push_back(p.country);
    tiers.push_back(static_cast<uint64_t>(p.tier));
  }
  ColumnFileWriter w(store_format::kHistoryMagic, listener.service);
  w.AddColumn(ColumnEncoding::kDeltaVarint, starts);
  w.AddColumn(ColumnEncoding::kFixed64, idents);
  w.AddColumn(ColumnEncoding::kVarint, tracks);
  w.AddColumn(ColumnEncoding::kVarint, countries);
  w.AddColumn(ColumnEncoding::kVarint, tiers);
  // The user key repeated on every row (zstd makes it a few bytes), so that a file can be
  // checked against the listener it is named for.
  users.assign(plays.size(), listener.user);
  w.AddColumn(ColumnEncoding::kFixed64, users);
  return w.Finish();
}

Status DecodeHistory(const std::string& data, const std::string& name, const ListenerKey& listener,
                     std::vector<HistoryPlay>* plays) {
  ColumnFileReader r;
  ENCORE_RETURN_IF_ERROR(r.Parse(data, store_format::kHistoryMagic, 6, name));
  if (r.tag() != listener.service) return Status::Corruption(name + ": holds another service");
  plays->resize(r.rows());
  for (size_t i = 0; i < r.rows(); ++i) {
    if (r.column(5)[i] != listener.user) return Status::Corruption(name + ": holds another user");
    if (r.column(2)[i] > 0xffffffffULL || r.column(3)[i] > kGlobalCountry ||
        r.column(4)[i] > 1 || r.column(0)[i] > static_cast<uint64_t>(INT64_MAX)) {
      return Status::Corruption(name + ": value out of range");
    }
    HistoryPlay& p = (*plays)[i];
    p.start_ms = static_cast<int64_t>(r.column(0)[i]);
    p.ident = r.column(1)[i];
    p.track = static_cast<uint32_t>(r.column(2)[i]);
    p.country = static_cast<CountryCode>(r.column(3)[i]);
    p.tier = static_cast<Tier>(r.column(4)[i]);
    if (i > 0 && !((*plays)[i - 1].start_ms < p.start_ms ||
                   ((*plays)[i - 1].start_ms == p.start_ms && (*plays)[i - 1].ident < p.ident))) {
      return Status::Corruption(name + ": rows out of order");
    }
  }
  return Status::Ok();
}

std::string EncodeDictionary(const std::vector<std::string>& names,
                             const std::vector<std::string>& more) {
  std::string payload;
  size_t bytes = 0;
  for (const auto* list : {&names, &more})
    for (const auto& n : *list) bytes += n.size() + 2;
  payload.reserve(bytes);
  for (const auto* list : {&names, &more}) {
    for (const auto& n : *list) {
      PutVarint(&payload, n.size());
      payload += n;
    }
  }
  return EncodeBlobFile(store_format::kDictionaryMagic, names.size() + more.size(), payload);
}

Status DecodeDictionary(const std::string& data, const std::string& name,
                        std::vector<std::string>* names) {
  uint64_t count;
  std::string payload;
  ENCORE_RETURN_IF_ERROR(
      DecodeBlobFile(data, store_format::kDictionaryMagic, name, &count, &payload));
  const char* p = payload.data();
  const char* end = p + payload.size();
  names->clear();
  names->reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t len;
    if (!GetVarint(&p, end, &len) || len > static_cast<uint64_t>(end - p)) {
      return Status::Corruption(name + ": truncated entry");
    }
    names->emplace_back(p, len);
    p += len;
  }
  if (p != end) return Status::Corruption(name + ": trailing bytes");
  return Status::Ok();
}

std::string EncodeRejects(const std::vector<RejectRecord>& rejects) {
  std::string payload;
  for (const auto& r : rejects) {
    PutVarint(&payload, r.line);
    payload.push_back(static_cast<char>(r.reason));
    PutVarint(&payload, r.text.size());
    payload += r.text;
  }
  return EncodeBlobFile(store_format::kRejectsMagic, rejects.size(), payload);
}

Status DecodeRejects(const std::string& data, const std::string& name,
                     std::vector<RejectRecord>* rejects) {
  rejects->clear();
  return ScanRejectsFile(data, name, [&](const RejectRecord& r) {
    rejects->push_back(r);
    return Status::Ok();
  });
}

Status ScanRejectsFile(const std::string& data, const std::string& name,
                       const std::function<Status(const RejectRecord&)>& fn) {
  uint64_t count = 0, seen = 0;
  std::string carry;  // the start of a record whose end is in the next piece
  RejectRecord r;
  auto parse = [&](bool last) -> Status {
    const char* p = carry.data();
    const char* end = p + carry.size();
    while (p < end) {
      const char* start = p;
      uint64_t len;
      if (!GetVarint(&p, end, &r.line) || p == end) {
        p = start;
        break;
      }
      const auto reason = static_cast<uint8_t>(*p++);
      if (reason >= kRejectReasonCount) return Status::Corruption(name + ": bad reason");
      if (!GetVarint(&p, end, &len) || len > static_cast<uint64_t>(end - p)) {
        p = start;
        break;
      }
      r.reason = static_cast<RejectReason>(reason);
      r.text.assign(p, len);
      p += len;
      if (++seen > count) return Status::Corruption(name + ": more records than it says");
      ENCORE_RETURN_IF_ERROR(fn(r));
    }
    carry.erase(0, static_cast<size_t>(p - carry.data()));
    if (last && !carry.empty()) return Status::Corruption(name + ": truncated");
    return Status::Ok();
  };
  ENCORE_RETURN_IF_ERROR(ScanBlobFile(data, store_format::kRejectsMagic, name, &count,
                                      [&](std::string_view piece) {
                                        carry.append(piece);
                                        return parse(false);
                                      }));
  ENCORE_RETURN_IF_ERROR(parse(true));
  if (seen != count) return Status::Corruption(name + ": truncated");
  return Status::Ok();
}

}  // namespace encore
