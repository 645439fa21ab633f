// Credits and titles as publishers print them (doc/catalog.md, "Credits and titles"): names that
// contain a separator, UK credits joined by "/", "Name (native name)", and album titles with
// edition suffixes.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "catalog/names.h"

namespace encore {
namespace {

using Names = std::vector<std::string>;

KnownName Knows(std::set<std::string> keys) {
  return [keys = std::move(keys)](const std::string& key) { return keys.count(key) > 0; };
}

}  // namespace

TEST(CreditNames, LeadNamesWithACommaSurviveFeatures) {
  Credit c = SplitCredit("Tyler, The Creator Featuring GloRilla, Sexyy Red & Lil Wayne");
  EXPECT_EQ(c.primary, Names{"Tyler, The Creator"});
  EXPECT_EQ(c.featured, (Names{"GloRilla", "Sexyy Red", "Lil Wayne"}));
  c = SplitCredit("Earth, Wind & Fire With The Emotions");
  EXPECT_EQ(c.primary, Names{"Earth, Wind & Fire"});
  EXPECT_EQ(c.featured, Names{"The Emotions"});
  // Billboard spells it with a lower-case "the" too; Spotify lists every artist with commas.
  EXPECT_EQ(SplitCredit("Tyler, the Creator Featuring Sk8brd").primary,
            Names{"Tyler, the Creator"});
  EXPECT_EQ(SplitCredit("Tyler, The Creator, Kali Uchis").primary,
            (Names{"Tyler, The Creator", "Kali Uchis"}));
  EXPECT_EQ(SplitCredit("Pharrell Williams, 21 Savage, Tyler, The Creator").primary,
            (Names{"Pharrell Williams", "21 Savage", "Tyler, The Creator"}));
  // Not only as the lead: at every split point.
  EXPECT_EQ(SplitCredit("Ramsey Lewis And Earth, Wind & Fire").primary,
            (Names{"Ramsey Lewis", "Earth, Wind & Fire"}));
  EXPECT_EQ(SplitCredit("Earth, Wind & Fire, The Emotions").primary,
            (Names{"Earth, Wind & Fire", "The Emotions"}));
  // "&" or "And": one name.
  EXPECT_EQ(SplitCredit("Peter, Paul And Mary").primary, Names{"Peter, Paul And Mary"});
  // The longest known name wins: "Crosby, Stills, Nash & Young" over "Crosby, Stills & Nash".
  EXPECT_EQ(SplitCredit("Crosby, Stills, Nash & Young").primary,
            Names{"Crosby, Stills, Nash & Young"});
  EXPECT_EQ(SplitCredit("Crosby, Stills & Nash").primary, Names{"Crosby, Stills & Nash"});
}

TEST(CreditNames, SuffixesAndDigitsAfterACommaArePartOfTheName) {
  EXPECT_EQ(SplitCredit("Grover Washington, Jr. With Bill Withers").primary,
            Names{"Grover Washington, Jr."});
  EXPECT_EQ(SplitCredit("Sammy Davis, Jr. with The Mike Curb Congregation").primary,
            Names{"Sammy Davis, Jr."});
  EXPECT_EQ(SplitCredit("Ray Parker,Jr. & Helen Terry").primary,
            (Names{"Ray Parker,Jr.", "Helen Terry"}));
  EXPECT_EQ(SplitCredit("Gerald Levert & Eddie Levert, Sr.").primary,
            (Names{"Gerald Levert", "Eddie Levert, Sr."}));
  EXPECT_EQ(SplitCredit("The Checkmates, Ltd. Featuring Sonny Charles").primary,
            Names{"The Checkmates, Ltd."});
  EXPECT_EQ(SplitCredit("Lipps, Inc.").primary, Names{"Lipps, Inc."});
  EXPECT_EQ(SplitCredit("Traffic, Etc.").primary, Names{"Traffic, Etc."});
  EXPECT_EQ(SplitCredit("10,000 Maniacs").primary, Names{"10,000 Maniacs"});
  // A suffix word only ends a name: "Jr Smith" after a comma is a name of its own.
  EXPECT_EQ(SplitCredit("A, Jr Smith").primary, (Names{"A", "Jr Smith"}));
}

TEST(CreditNames, GenuineListsStillSplit) {
  EXPECT_EQ(SplitCredit("Metro Boomin, The Weeknd & 21 Savage").primary,
            (Names{"Metro Boomin", "The Weeknd", "21 Savage"}));
  EXPECT_EQ(SplitCredit("Doja Cat, The Weeknd").primary, (Names{"Doja Cat", "The Weeknd"}));
  EXPECT_EQ(SplitCredit("Jay-Z, Bono, The Edge & Rihanna").primary,
            (Names{"Jay-Z", "Bono", "The Edge", "Rihanna"}));
  EXPECT_EQ(SplitCredit("Future, Metro Boomin & Kendrick Lamar").primary,
            (Names{"Future", "Metro Boomin", "Kendrick Lamar"}));
  EXPECT_EQ(SplitCredit("Sofi Tukker Featuring NERVO, The Knocks & Alisa Ueno").featured,
            (Names{"NERVO", "The Knocks", "Alisa Ueno"}));
  EXPECT_EQ(SplitCredit("Kendrick Lamar, Baby Keem, & Sam Dew").primary,
            (Names{"Kendrick Lamar", "Baby Keem", "Sam Dew"}));
}

TEST(CreditNames, TheCatalogsNamesAreKeptWholeLongestFirst) {
  // Without a catalog a comma name nobody listed splits; with one that knows it, it does not.
  EXPECT_EQ(SplitCredit("Muse, Stray Kids & Queen").primary,
            (Names{"Muse", "Stray Kids", "Queen"}));
  EXPECT_EQ(SplitCredit("Muse, Stray Kids & Queen", Knows({"musestraykids"})).primary,
            (Names{"Muse, Stray Kids", "Queen"}));
  // "&" names too ("King Gizzard & the Lizard Wizard"), spelled with "And" or "&".
  EXPECT_EQ(SplitCredit("King Gizzard And The Lizard Wizard Featuring X",
                        Knows({"kinggizzardthelizardwizard"}))
                .primary,
            Names{"King Gizzard And The Lizard Wizard"});
  // The longest known run wins over a shorter one.
  EXPECT_EQ(SplitCredit("A, B, C & D", Knows({"ab", "abc"})).primary, (Names{"A, B, C", "D"}));
  EXPECT_EQ(SplitCredit("D, A, B", Knows({"ab"})).primary, (Names{"D", "A, B"}));
}

TEST(CreditNames, UkCreditsJoinArtistsWithASlash) {
  EXPECT_EQ(SplitCredit("CALVIN HARRIS/ELLIE GOULDING").primary,
            (Names{"CALVIN HARRIS", "ELLIE GOULDING"}));
  EXPECT_EQ(SplitCredit("NF/MGK").primary, (Names{"NF", "MGK"}));
  EXPECT_EQ(SplitCredit("FRED AGAIN/SKEPTA/PLAQUEBOYMAX").primary,
            (Names{"FRED AGAIN", "SKEPTA", "PLAQUEBOYMAX"}));
  // Names with a "/" of their own stay whole.
  EXPECT_EQ(SplitCredit("HUNTR/X/EJAE/AUDREY NUNA/REI").primary,
            (Names{"HUNTR/X", "EJAE", "AUDREY NUNA", "REI"}));
  EXPECT_EQ(SplitCredit("HUNTR/X: EJAE, Audrey Nuna & REI AMI").primary,
            (Names{"HUNTR/X", "EJAE", "Audrey Nuna", "REI AMI"}));
  EXPECT_EQ(SplitCredit("AC/DC").primary, Names{"AC/DC"});
  EXPECT_EQ(SplitCredit("K/DA, Madison Beer").primary, (Names{"K/DA", "Madison Beer"}));
  EXPECT_EQ(SplitCredit("M/A/R/R/S").primary, Names{"M/A/R/R/S"});
  EXPECT_EQ(SplitCredit("Alan Walker, Au/Ra, Tomine Harket").primary,
            (Names{"Alan Walker", "Au/Ra", "Tomine Harket"}));
  EXPECT_EQ(SplitCredit("Ebn/Ozn").primary, Names{"Ebn/Ozn"});
  // Spaced, as before.
  EXPECT_EQ(SplitCredit("Zayn / Taylor Swift").primary, (Names{"Zayn", "Taylor Swift"}));
  EXPECT_EQ(LeadKey("HUNTR/X/EJAE/AUDREY NUNA/REI"), "huntrx");
}

TEST(CreditNames, NameWithItsNativeNameInParentheses) {
  auto [name, native] = NameAndParenthesized("Jung Kook (\xEC\xA0\x95\xEA\xB5\xAD)");
  EXPECT_EQ(name, "Jung Kook");
  EXPECT_EQ(native, "\xEC\xA0\x95\xEA\xB5\xAD");
  std::tie(name, native) = NameAndParenthesized("JISOO (\xEC\xA7\x80\xEC\x88\x98)");
  EXPECT_EQ(name, "JISOO");
  EXPECT_TRUE(NameAndParenthesized("(G)I-DLE").first.empty());
  EXPECT_TRUE(NameAndParenthesized("Jung Kook").first.empty());
  EXPECT_TRUE(NameAndParenthesized("()").first.empty());
  // The lead's key is the name: the same song as "Jung Kook Featuring Latto".
  EXPECT_EQ(LeadKey("Jung Kook (\xEC\xA0\x95\xEA\xB5\xAD) Featuring Latto"), "jungkook");
  EXPECT_EQ(SongKey("Jung Kook (\xEC\xA0\x95\xEA\xB5\xAD)", "Seven"),
            SongKey("Jung Kook Featuring Latto", "Seven"));
  // Separators inside the parentheses do not split ("group (members)").
  EXPECT_EQ(SplitCredit("Silk Sonic (Bruno Mars & Anderson .Paak)").primary,
            Names{"Silk Sonic (Bruno Mars & Anderson .Paak)"});
  EXPECT_EQ(LeadKey("Silk Sonic (Bruno Mars & Anderson .Paak)"), "silksonic");
  // Billboard's older "(Featuring X)" and "(Duet With X)".
  Credit c = SplitCredit("Linda Ronstadt (Featuring Aaron Neville)");
  EXPECT_EQ(c.primary, Names{"Linda Ronstadt"});
  EXPECT_EQ(c.featured, Names{"Aaron Neville"});
  c = SplitCredit("Lita Ford (Duet With Ozzy Osbourne)");
  EXPECT_EQ(c.primary, Names{"Lita Ford"});
  EXPECT_EQ(c.featured, Names{"Ozzy Osbourne"});
}

TEST(CreditNames, KeysOfCommaLeads) {
  EXPECT_EQ(LeadKey("Tyler, The Creator Featuring Kali Uchis"), "tylerthecreator");
  EXPECT_EQ(SongKey("Tyler, The Creator Featuring Kali Uchis", "See You Again"),
            "seeyouagain|tylerthecreator");
  EXPECT_EQ(SongKey("Tyler, The Creator, Kali Uchis", "See You Again (feat. Kali Uchis)"),
            "seeyouagain|tylerthecreator");
  EXPECT_EQ(SongKey("Earth, Wind & Fire With The Emotions", "Boogie Wonderland"),
            "boogiewonderland|earthwindfire");
  EXPECT_EQ(SongKey("Grover Washington, Jr. With Bill Withers", "Just The Two Of Us"),
            "justthetwoofus|groverwashingtonjr");
  EXPECT_EQ(SongKey("Metro Boomin, The Weeknd & 21 Savage", "Creepin'"), "creepin|metroboomin");
  const auto& keys = KnownCreditNames();
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  EXPECT_TRUE(std::binary_search(keys.begin(), keys.end(), "tylerthecreator"));
  EXPECT_TRUE(std::binary_search(keys.begin(), keys.end(), "earthwindfire"));
}

TEST(AlbumTitle, EditionSuffixesAreNotTheRelease) {
  auto check = [](std::string_view title, std::string_view base, std::string_view edition) {
    const ParsedAlbumTitle t = ParseAlbumTitle(title);
    EXPECT_EQ(t.base, base) << title;
    EXPECT_EQ(t.edition, edition) << title;
  };
  check("FACE (EP)", "FACE", "EP");
  check("GOLDEN (Deluxe)", "GOLDEN", "Deluxe");
  check("Rumours (Super Deluxe Edition)", "Rumours", "Super Deluxe Edition");
  check("Midnights (Expanded Edition)", "Midnights", "Expanded Edition");
  check("Abbey Road (Remastered)", "Abbey Road", "Remastered");
  check("Abbey Road - 2019 Remaster", "Abbey Road", "2019 Remaster");
  check("Thriller [25th Anniversary Deluxe Edition]", "Thriller",
        "25th Anniversary Deluxe Edition");
  check("Dangerous (2-CD Limited Edition)", "Dangerous", "2-CD Limited Edition");
  check("Lover (Collector's Edition)", "Lover", "Collector's Edition");
  check("Purple Rain (Deluxe) (Expanded Edition)", "Purple Rain", "Deluxe / Expanded Edition");
  check("Hope On The Street, Vol.1 (EP)", "Hope On The Street, Vol.1", "EP");
  check("Layover (EP)", "Layover", "EP");
  // Other releases, not editions.
  check("Fearless (Taylor's Version)", "Fearless (Taylor's Version)", "");
  check("Frozen (Soundtrack)", "Frozen (Soundtrack)", "");
  check("Like Crazy (Remixes)", "Like Crazy (Remixes)", "");
  check("TIME FLIES - 1994-2009", "TIME FLIES - 1994-2009", "");
  check("Greatest Hits (2011)", "Greatest Hits (2011)", "");
  check("(EP)", "(EP)", "");
  check("GOLDEN", "GOLDEN", "");
}

}  // namespace encore
