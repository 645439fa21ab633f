#include "encore/keys.h"

#include <array>

namespace encore {
namespace {

// ISO 3166-1 alpha-2 officially assigned codes, plus XK (Kosovo, in wide use by streaming
// services) and ZZ (unknown, per the input spec).
constexpr std::string_view kAssigned =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR "
    "BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ "
    "EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW "
    "GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY "
    "KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV "
    "MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY "
    "QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG "
    "TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM "
    "ZW XK ZZ";

constexpr std::array<bool, 676> BuildTable() {
  std::array<bool, 676> t{};
  for (size_t i = 0; i + 1 < kAssigned.size(); i += 3) {
    t[static_cast<size_t>((kAssigned[i] - 'A') * 26 + (kAssigned[i + 1] - 'A'))] = true;
  }
  return t;
}
constexpr std::array<bool, 676> kTable = BuildTable();

}  // namespace

std::string_view TierName(Tier t) {
  switch (t) {
    case Tier::kPremium:
      return "premium";
    case Tier::kFree:
      return "free";
    case Tier::kUnknown:
      return "";
  }
  return "";
}

std::optional<CountryCode> ParseCountry(std::string_view s, bool allow_global) {
  if (s.size() == 2) {
    const unsigned a = static_cast<unsigned char>(s[0]) - 'A';
    const unsigned b = static_cast<unsigned char>(s[1]) - 'A';
    if (a >= 26 || b >= 26) return std::nullopt;
    const unsigned code = a * 26 + b;
    if (!kTable[code]) return std::nullopt;
    return static_cast<CountryCode>(code);
  }
  if (allow_global && s == "GLOBAL") return kGlobalCountry;
  return std::nullopt;
}

std::string CountryName(CountryCode c) {
  if (c == kGlobalCountry) return "GLOBAL";
  if (c >= 676) return "??";
  return {static_cast<char>('A' + c / 26), static_cast<char>('A' + c % 26)};
}

}  // namespace encore
