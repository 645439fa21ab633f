// Encoders and decoders of the local store's typed files: day segments and cap states (column
// files), the track dictionary and rejects (blob files). Formats: doc/formats/.
#pragma once

#include <functional>
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

// A day's listener set (doc/formats/column-file.md, "Listeners"). `home`: each numbered
// listener's home country (the country of its first counted stream), indexed by number: an
// entry in it is stored as 0, an entry naming a number past its end is corruption.
std::string EncodeListeners(Day day, const DayListeners& listeners,
                            const std::vector<CountryCode>& home);
Status DecodeListeners(const std::string& data, const std::string& name, Day day,
                       const std::vector<CountryCode>& home, DayListeners* listeners);
// The store's numbered listeners: number i is the i-th (service, listener key), with its home
// country. `users` may be null (a reader needs only the countries).
std::string EncodeUsers(const std::vector<ListenerKey>& users, const std::vector<CountryCode>& home);
Status DecodeUsers(const std::string& data, const std::string& name,
                   std::vector<ListenerKey>* users, std::vector<CountryCode>* home);

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
