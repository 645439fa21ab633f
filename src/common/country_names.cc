// Country names as datasets print them ("United States", "Korea, Republic of", "Türkiye") and the
// ISO 3166-1 alpha-2 codes the engine keeps.
#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_map>

#include "encore/keys.h"

namespace encore {
namespace {

// CODE=name|name|…; ISO 3166-1 English short names, the common forms of the same country, and the
// forms the Spotify Charts datasets print.
constexpr std::string_view kNames =
    "AD=Andorra;AE=United Arab Emirates|UAE;AF=Afghanistan;AG=Antigua and Barbuda;AI=Anguilla;"
    "AL=Albania;AM=Armenia;AO=Angola;AQ=Antarctica;AR=Argentina;AS=American Samoa;AT=Austria;"
    "AU=Australia;AW=Aruba;AX=Aland Islands|Åland Islands;AZ=Azerbaijan;"
    "BA=Bosnia and Herzegovina|Bosnia & Herzegovina|Bosnia;BB=Barbados;BD=Bangladesh;BE=Belgium;"
    "BF=Burkina Faso;BG=Bulgaria;BH=Bahrain;BI=Burundi;BJ=Benin;BL=Saint Barthelemy;BM=Bermuda;"
    "BN=Brunei|Brunei Darussalam;BO=Bolivia|Bolivia, Plurinational State of;"
    "BQ=Caribbean Netherlands|Bonaire, Sint Eustatius and Saba;BR=Brazil;BS=Bahamas|The Bahamas;"
    "BT=Bhutan;BV=Bouvet Island;BW=Botswana;BY=Belarus;BZ=Belize;CA=Canada;"
    "CC=Cocos (Keeling) Islands|Cocos Islands;CD=Democratic Republic of the Congo|DR Congo|"
    "Congo, The Democratic Republic of the|Congo (Kinshasa);CF=Central African Republic;"
    "CG=Congo|Republic of the Congo|Congo (Brazzaville);CH=Switzerland;"
    "CI=Ivory Coast|Cote d'Ivoire|Côte d'Ivoire;CK=Cook Islands;CL=Chile;CM=Cameroon;CN=China;"
    "CO=Colombia;CR=Costa Rica;CU=Cuba;CV=Cape Verde|Cabo Verde;CW=Curacao|Curaçao;"
    "CX=Christmas Island;CY=Cyprus;CZ=Czech Republic|Czechia;DE=Germany;DJ=Djibouti;DK=Denmark;"
    "DM=Dominica;DO=Dominican Republic;DZ=Algeria;EC=Ecuador;EE=Estonia;EG=Egypt;"
    "EH=Western Sahara;ER=Eritrea;ES=Spain;ET=Ethiopia;FI=Finland;FJ=Fiji;"
    "FK=Falkland Islands|Falkland Islands (Malvinas);FM=Micronesia|"
    "Micronesia, Federated States of;FO=Faroe Islands;FR=France;GA=Gabon;"
    "GB=United Kingdom|UK|Great Britain|United Kingdom of Great Britain and Northern Ireland;"
    "GD=Grenada;GE=Georgia;GF=French Guiana;GG=Guernsey;GH=Ghana;GI=Gibraltar;GL=Greenland;"
    "GM=Gambia|The Gambia;GN=Guinea;GP=Guadeloupe;GQ=Equatorial Guinea;GR=Greece;"
    "GS=South Georgia and the South Sandwich Islands;GT=Guatemala;GU=Guam;GW=Guinea-Bissau;"
    "GY=Guyana;HK=Hong Kong|Hong Kong SAR;HM=Heard Island and McDonald Islands;HN=Honduras;"
    "HR=Croatia;HT=Haiti;HU=Hungary;ID=Indonesia;IE=Ireland;IL=Israel;IM=Isle of Man;IN=India;"
    "IO=British Indian Ocean Territory;IQ=Iraq;IR=Iran|Iran, Islamic Republic of;IS=Iceland;"
    "IT=Italy;JE=Jersey;JM=Jamaica;JO=Jordan;JP=Japan;KE=Kenya;KG=Kyrgyzstan;KH=Cambodia;"
    "KI=Kiribati;KM=Comoros;KN=Saint Kitts and Nevis;KP=North Korea|"
    "Korea, Democratic People's Republic of;KR=South Korea|Korea|Republic of Korea|"
    "Korea, Republic of;KW=Kuwait;KY=Cayman Islands;KZ=Kazakhstan;"
    "LA=Laos|Lao People's Democratic Republic;LB=Lebanon;LC=Saint Lucia;LI=Liechtenstein;"
    "LK=Sri Lanka;LR=Liberia;LS=Lesotho;LT=Lithuania;LU=Luxembourg;LV=Latvia;LY=Libya;"
    "MA=Morocco;MC=Monaco;MD=Moldova|Moldova, Republic of;ME=Montenegro;"
    "MF=Saint Martin|Saint Martin (French part);MG=Madagascar;MH=Marshall Islands;"
    "MK=North Macedonia|Macedonia;ML=Mali;MM=Myanmar|Burma;MN=Mongolia;MO=Macao|Macau;"
    "MP=Northern Mariana Islands;MQ=Martinique;MR=Mauritania;MS=Montserrat;MT=Malta;"
    "MU=Mauritius;MV=Maldives;MW=Malawi;MX=Mexico;MY=Malaysia;MZ=Mozambique;NA=Namibia;"
    "NC=New Caledonia;NE=Niger;NF=Norfolk Island;NG=Nigeria;NI=Nicaragua;NL=Netherlands|"
    "The Netherlands|Holland;NO=Norway;NP=Nepal;NR=Nauru;NU=Niue;NZ=New Zealand;OM=Oman;"
    "PA=Panama;PE=Peru;PF=French Polynesia;PG=Papua New Guinea;PH=Philippines;PK=Pakistan;"
    "PL=Poland;PM=Saint Pierre and Miquelon;PN=Pitcairn;PR=Puerto Rico;PS=Palestine|"
    "Palestine, State of|Palestinian Territories;PT=Portugal;PW=Palau;PY=Paraguay;QA=Qatar;"
    "RE=Reunion|Réunion;RO=Romania;RS=Serbia;RU=Russia|Russian Federation;RW=Rwanda;"
    "SA=Saudi Arabia;SB=Solomon Islands;SC=Seychelles;SD=Sudan;SE=Sweden;SG=Singapore;"
    "SH=Saint Helena;SI=Slovenia;SJ=Svalbard and Jan Mayen;SK=Slovakia;SL=Sierra Leone;"
    "SM=San Marino;SN=Senegal;SO=Somalia;SR=Suriname;SS=South Sudan;"
    "ST=Sao Tome and Principe|São Tomé and Príncipe;SV=El Salvador;"
    "SX=Sint Maarten|Sint Maarten (Dutch part);SY=Syria|Syrian Arab Republic;"
    "SZ=Eswatini|Swaziland;TC=Turks and Caicos Islands;TD=Chad;"
    "TF=French Southern Territories;TG=Togo;TH=Thailand;TJ=Tajikistan;TK=Tokelau;"
    "TL=Timor-Leste|East Timor;TM=Turkmenistan;TN=Tunisia;TO=Tonga;TR=Turkey|Türkiye|Turkiye;"
    "TT=Trinidad and Tobago;TV=Tuvalu;TW=Taiwan|Taiwan, Province of China;"
    "TZ=Tanzania|Tanzania, United Republic of;UA=Ukraine;UG=Uganda;"
    "UM=United States Minor Outlying Islands;US=United States|USA|United States of America|"
    "US;UY=Uruguay;UZ=Uzbekistan;VA=Vatican City|Holy See;"
    "VC=Saint Vincent and the Grenadines;VE=Venezuela|Venezuela, Bolivarian Republic of;"
    "VG=British Virgin Islands|Virgin Islands, British;VI=U.S. Virgin Islands|"
    "Virgin Islands, U.S.;VN=Vietnam|Viet Nam;VU=Vanuatu;WF=Wallis and Futuna;WS=Samoa;"
    "XK=Kosovo;YE=Yemen;YT=Mayotte;ZA=South Africa;ZM=Zambia;ZW=Zimbabwe";

// Letters and digits only, lower case (ASCII; other bytes kept): "Côte d'Ivoire" and
// "cote divoire" differ only by the accent, listed as a name of its own.
std::string Folded(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80)
      out += c;
    else if (std::isalnum(u))
      out += static_cast<char>(std::tolower(u));
  }
  return out;
}

const std::unordered_map<std::string, CountryCode>& NameTable() {
  static const auto* table = [] {
    auto* t = new std::unordered_map<std::string, CountryCode>();
    size_t i = 0;
    while (i < kNames.size()) {
      size_t end = kNames.find(';', i);
      if (end == std::string_view::npos) end = kNames.size();
      const std::string_view item = kNames.substr(i, end - i);
      const auto code = ParseCountry(item.substr(0, 2), false);
      std::string_view names = item.substr(3);
      while (code && !names.empty()) {
        const size_t bar = names.find('|');
        t->emplace(Folded(names.substr(0, bar)), *code);
        names = bar == std::string_view::npos ? std::string_view() : names.substr(bar + 1);
      }
      i = end + 1;
    }
    return t;
  }();
  return *table;
}

}  // namespace

std::optional<CountryCode> CountryOfText(std::string_view text) {
  if (text.size() == 2) {
    const char upper[2] = {static_cast<char>(std::toupper(static_cast<unsigned char>(text[0]))),
                           static_cast<char>(std::toupper(static_cast<unsigned char>(text[1])))};
    if (auto code = ParseCountry(std::string_view(upper, 2), false)) return code;
  }
  if (auto code = CountryOfName(text); code && *code != kGlobalCountry) return code;
  return std::nullopt;
}

std::optional<CountryCode> CountryOfName(std::string_view name) {
  const std::string key = Folded(name);
  if (key == "global" || key == "worldwide" || key == "world") return kGlobalCountry;
  const auto& t = NameTable();
  const auto it = t.find(key);
  if (it != t.end()) return it->second;
  return std::nullopt;
}

}  // namespace encore
